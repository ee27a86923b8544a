package dev.conduit.example;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** Stopping the application sends close 1001 to every connected client before the server stops. */
class GracefulShutdownIntegrationTests {

    @Test
    void shutdownSends1001ToConnectedClients() throws Exception {
        ConfigurableApplicationContext app = new SpringApplicationBuilder(ExampleApplication.class)
                .properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off")
                .run();
        WsClient echo;
        WsClient ticker;
        try {
            int port = app.getEnvironment().getProperty("local.server.port", Integer.class);
            echo = WsClient.connect(URI.create("ws://127.0.0.1:" + port + "/echo"));
            echo.sendText("before shutdown");
            assertThat(echo.nextText()).isEqualTo("before shutdown");
            ticker = WsClient.connect(URI.create("ws://127.0.0.1:" + port + "/ticker"));
        } catch (Exception | Error e) {
            app.close();
            throw e;
        }
        app.close();
        assertThat(echo.awaitClose()).isEqualTo(1001);
        assertThat(ticker.awaitClose()).isEqualTo(1001);
    }
}
