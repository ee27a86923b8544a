package dev.conduit.websocket.spring.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.websocket.spring.testing.WsClient;
import dev.conduit.websocket.spring.autoconfigure.ConnectionLimits;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.util.ClassUtils;

/**
 * The starter on Undertow (Spring Boot 3.5 only; Boot 4 removed it): Tomcat is hidden from the
 * application so that Boot picks Undertow.
 */
@EnabledIf("undertowPresent")
class UndertowIntegrationTests {

    static boolean undertowPresent() {
        return ClassUtils.isPresent("io.undertow.Undertow", UndertowIntegrationTests.class.getClassLoader());
    }

    @Test
    void endpointsWorkAndShutdownSends1001OnUndertow() throws Exception {
        FilteredClassLoader withoutTomcat = new FilteredClassLoader("org.apache.catalina", "org.apache.coyote",
                "org.apache.tomcat");
        ConfigurableApplicationContext app = new SpringApplicationBuilder(TestApplication.class)
                .resourceLoader(new DefaultResourceLoader(withoutTomcat))
                .properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
                        "conduit.websocket.max-connections=50")
                .run();
        WsClient echo;
        try {
            assertThat(app.getClass().getName()).contains("ServletWebServer");
            ConnectionLimits limits = app.getBean(ConnectionLimits.class);
            assertThat(limits.container()).isEqualTo("undertow");
            assertThat(app.getEnvironment().getProperty("server.undertow.threads.worker", Integer.class)).isEqualTo(250);
            int port = app.getEnvironment().getProperty("local.server.port", Integer.class);
            echo = WsClient.connect(URI.create("ws://127.0.0.1:" + port + "/open/echo"));
            echo.sendText("over undertow");
            assertThat(echo.nextText()).isEqualTo("over undertow");
            WsClient failing = WsClient.connect(URI.create("ws://127.0.0.1:" + port + "/open/fail"));
            failing.sendText("trigger");
            assertThat(failing.awaitClose()).isEqualTo(1011);
            assertThat(WsClient.refusedStatus(WsClient.HTTP.newWebSocketBuilder(), URI.create("ws://127.0.0.1:" + port
                    + "/secure/whoami"))).isEqualTo(401);
        } catch (Exception | Error e) {
            app.close();
            throw e;
        }
        app.close();
        assertThat(echo.awaitClose()).isEqualTo(1001);
    }
}
