package dev.conduit.websocket.spring.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.websocket.JsonCodec;
import dev.conduit.websocket.json.JacksonJsonCodec;
import dev.conduit.websocket.spring.json.Jackson3JsonCodec;
import dev.conduit.websocket.spring.testing.WsClient;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.ClassUtils;

/**
 * readJson/writeJson use the application's Jackson mapper (Jackson 3's JsonMapper on Boot 4,
 * Jackson 2's ObjectMapper on Boot 3), so {@code spring.jackson.*} changes the wire format.
 */
class JacksonIntegrationTests {

    @Test
    void springJacksonSettingsShapeTheWireFormat() throws Exception {
        try (ConfigurableApplicationContext app = start("spring.jackson.property-naming-strategy=SNAKE_CASE")) {
            assertThat(app.getBean(JsonCodec.class)).isInstanceOf(expectedCodec());
            WsClient client = WsClient.connect(uri(app));
            client.sendText("{\"user_name\":\"alice\",\"message_count\":41}");
            assertThat(client.nextText()).isEqualTo("{\"user_name\":\"ALICE\",\"message_count\":42}");
            client.close();
        }
    }

    @Test
    void withoutSettingsTheMappersDefaultsApply() throws Exception {
        try (ConfigurableApplicationContext app = start()) {
            WsClient client = WsClient.connect(uri(app));
            client.sendText("{\"userName\":\"bob\",\"messageCount\":1}");
            assertThat(client.nextText()).isEqualTo("{\"userName\":\"BOB\",\"messageCount\":2}");
            client.close();
        }
    }

    // Boot 4 runs Jackson 3 (and may have Jackson 2 beside it for the core's default); Boot 3 only Jackson 2.
    private static Class<?> expectedCodec() {
        return ClassUtils.isPresent(Jackson3JsonCodec.JSON_MAPPER, null) ? Jackson3JsonCodec.class : JacksonJsonCodec.class;
    }

    private static ConfigurableApplicationContext start(String... properties) {
        return new SpringApplicationBuilder(TestApplication.class)
                .properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off")
                .properties(properties)
                .run();
    }

    private static URI uri(ConfigurableApplicationContext app) {
        return URI.create("ws://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port") + "/open/json");
    }
}
