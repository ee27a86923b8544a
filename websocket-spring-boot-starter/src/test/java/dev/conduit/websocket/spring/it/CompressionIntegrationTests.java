package dev.conduit.websocket.spring.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.websocket.Conn;
import dev.conduit.websocket.Message;
import dev.conduit.websocket.WebSocket;
import dev.conduit.websocket.client.DialResult;
import dev.conduit.websocket.client.Dialer;
import dev.conduit.websocket.spring.annotation.Compression;
import dev.conduit.websocket.spring.annotation.WebSocketEndpoint;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/**
 * permessage-deflate through the starter in a running Tomcat: {@code conduit.websocket.compression.enabled}
 * turns it on for every endpoint, {@code compression = DISABLED} turns it off for one. The client is
 * the core {@link Dialer}, behind a relay that counts the bytes on the wire.
 */
class CompressionIntegrationTests {
    private static final int MIB = 1024 * 1024;
    private static ConfigurableApplicationContext app;
    private static int port;

    @BeforeAll
    static void start() {
        app = new SpringApplicationBuilder(CompressionApplication.class)
                .properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
                        "conduit.websocket.compression.enabled=true", "conduit.websocket.max-message-size=2MB")
                .run();
        port = app.getEnvironment().getProperty("local.server.port", Integer.class);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    private static Dialer dialer(boolean compression) {
        return Dialer.builder()
                .proxySelector(HttpClient.Builder.NO_PROXY)
                .handshakeTimeout(Duration.ofSeconds(10))
                .readLimit(2 * MIB)
                .enableCompression(compression)
                .build();
    }

    /** 1 MiB of JSON-like text: compresses well, but is not one repeated byte. */
    private static String compressibleText() {
        StringBuilder text = new StringBuilder(MIB + 100);
        for (int i = 0; text.length() < MIB; i++) {
            text.append("{\"id\":").append(i).append(",\"user\":\"user-").append(i % 97)
                    .append("\",\"text\":\"hello from the compression test\"}\n");
        }
        text.setLength(MIB);
        return text.toString();
    }

    @Test
    void anEndpointFollowingThePropertyNegotiatesDeflateAndEchoesOneMebibyteCompressed() throws Exception {
        String text = compressibleText();
        try (CountingRelay relay = new CountingRelay(port)) {
            DialResult result = dialer(true).dialWithResponse(URI.create("ws://127.0.0.1:" + relay.port() + "/echo"), Map.of());
            try (Conn conn = result.conn()) {
                assertThat(result.response().status()).isEqualTo(101);
                assertThat(result.response().header("Sec-WebSocket-Extensions")).startsWith("permessage-deflate")
                        // by default no compressor or decompressor stays with the connection between messages
                        .contains("server_no_context_takeover").contains("client_no_context_takeover");
                conn.writeMessage(WebSocket.TEXT_MESSAGE, text.getBytes(StandardCharsets.UTF_8));
                Message echoed = conn.readMessage();
                assertThat(echoed.messageType()).isEqualTo(WebSocket.TEXT_MESSAGE);
                assertThat(echoed.text()).isEqualTo(text);
                conn.close(WebSocket.CLOSE_NORMAL_CLOSURE, "", Duration.ofSeconds(5));
            }
            // Both directions carried the 1 MiB message in far fewer bytes.
            assertThat(relay.toServer.get()).isLessThan(MIB / 4);
            assertThat(relay.toClient.get()).isLessThan(MIB / 4);
        }
    }

    @Test
    void anEndpointWithCompressionDisabledAnswersWithoutTheExtension() throws Exception {
        String text = compressibleText();
        try (CountingRelay relay = new CountingRelay(port)) {
            DialResult result = dialer(true).dialWithResponse(URI.create("ws://127.0.0.1:" + relay.port() + "/plain"), Map.of());
            try (Conn conn = result.conn()) {
                assertThat(result.response().status()).isEqualTo(101);
                assertThat(result.response().header("Sec-WebSocket-Extensions")).isNull();
                conn.writeMessage(WebSocket.TEXT_MESSAGE, text.getBytes(StandardCharsets.UTF_8));
                assertThat(conn.readMessage().text()).isEqualTo(text);
                conn.close(WebSocket.CLOSE_NORMAL_CLOSURE, "", Duration.ofSeconds(5));
            }
            assertThat(relay.toClient.get()).isGreaterThan(MIB);
        }
    }

    @Test
    void aClientThatDoesNotOfferTheExtensionIsServedUncompressed() throws Exception {
        DialResult result = dialer(false).dialWithResponse(URI.create("ws://127.0.0.1:" + port + "/echo"), Map.of());
        try (Conn conn = result.conn()) {
            assertThat(result.response().header("Sec-WebSocket-Extensions")).isNull();
            conn.writeMessage(WebSocket.TEXT_MESSAGE, "hello".getBytes(StandardCharsets.UTF_8));
            assertThat(conn.readMessage().text()).isEqualTo("hello");
        }
    }

    /** Two echo endpoints, one with compression switched off. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class CompressionApplication {

        @Bean
        SecurityFilterChain securityFilterChain(HttpSecurity http) throws Exception {
            return http.authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
                    .csrf(csrf -> csrf.disable())
                    .build();
        }

        @Bean
        Endpoints compressionEndpoints() {
            return new Endpoints();
        }
    }

    /** The endpoints. */
    public static class Endpoints {

        @WebSocketEndpoint("/echo")
        public void echo(Conn conn) throws IOException {
            echoForever(conn);
        }

        @WebSocketEndpoint(path = "/plain", compression = Compression.DISABLED)
        public void plain(Conn conn) throws IOException {
            echoForever(conn);
        }

        private static void echoForever(Conn conn) throws IOException {
            while (true) {
                Message m = conn.readMessage();
                conn.writeMessage(m.messageType(), m.data());
            }
        }
    }
}
