package dev.conduit.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.conduit.websocket.spring.testing.WsClient;
import dev.conduit.websocket.CloseException;
import dev.conduit.websocket.Conn;
import dev.conduit.websocket.client.Dialer;
import java.net.http.HttpClient;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** Stopping the application sends close 1001 to every connected client before the server stops. */
@DisabledIfSystemProperty(named = "spring.aot.enabled", matches = "true",
        disabledReason = "it starts its own SpringApplication, which has no AOT initializer; the @SpringBootTest classes run on AOT")
class GracefulShutdownIntegrationTests {

    @Test
    void shutdownSends1001ToConnectedClients() throws Exception {
        ConfigurableApplicationContext app = new SpringApplicationBuilder(ExampleApplication.class)
                .properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off")
                .run();
        WsClient echo;
        WsClient ticker;
        Conn dialed;
        try {
            int port = app.getEnvironment().getProperty("local.server.port", Integer.class);
            echo = WsClient.connect(URI.create("ws://127.0.0.1:" + port + "/echo"));
            echo.sendText("before shutdown");
            assertThat(echo.nextText()).isEqualTo("before shutdown");
            ticker = WsClient.connect(URI.create("ws://127.0.0.1:" + port + "/ticker"));
            dialed = Dialer.builder().proxySelector(HttpClient.Builder.NO_PROXY).build()
                    .dial(URI.create("ws://127.0.0.1:" + port + "/chat"));
        } catch (Exception | Error e) {
            app.close();
            throw e;
        }
        CompletableFuture<Throwable> dialedEnd = CompletableFuture.supplyAsync(
                () -> catchThrowable(dialed::readMessage));
        app.close();
        assertThat(echo.awaitClose()).isEqualTo(1001);
        assertThat(dialedEnd.get(30, TimeUnit.SECONDS)).isInstanceOfSatisfying(CloseException.class,
                close -> assertThat(close.code()).isEqualTo(1001));
        dialed.close();
        assertThat(ticker.awaitClose()).isEqualTo(1001);
    }
}
