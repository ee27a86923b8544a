package dev.conduit.websocket.spring.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.websocket.Conn;
import dev.conduit.websocket.spring.annotation.WebSocketEndpoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The application and the clients of the hub tests over real connections: {@code /receive} joins
 * topic "all", {@code /stuck} also joins "stuck"; both read until the connection ends.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class HubTestApp {
    @Bean
    SecurityFilterChain openChain(HttpSecurity http) throws Exception {
        return http.authorizeHttpRequests(requests -> requests.anyRequest().permitAll()).csrf(csrf -> csrf.disable()).build();
    }

    @Bean
    Receivers receivers(Hub hub) {
        return new Receivers(hub);
    }

    static class Receivers {
        private final Hub hub;

        Receivers(Hub hub) {
            this.hub = hub;
        }

        @WebSocketEndpoint("/receive")
        public void receive(Conn conn) throws IOException {
            hub.join("all", conn);
            try {
                while (true) {
                    conn.readMessage();
                }
            } finally {
                hub.leave(conn);
            }
        }

        @WebSocketEndpoint("/stuck")
        public void stuck(Conn conn) throws IOException {
            hub.join("stuck", conn);
            receive(conn);
        }
    }

    /** A JDK client checking that binary messages of {@code size} bytes arrive complete and numbered 0, 1, 2… */
    static final class NumberedListener implements WebSocket.Listener {
        final AtomicInteger received = new AtomicInteger();
        volatile String error;
        private final int size;
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

        NumberedListener(int size) {
            this.size = size;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] chunk = new byte[data.remaining()];
            data.get(chunk);
            partial.write(chunk, 0, chunk.length);
            if (last) {
                ByteBuffer message = ByteBuffer.wrap(partial.toByteArray());
                partial.reset();
                int expected = received.get();
                if (message.remaining() != size || message.getInt() != expected) {
                    error = "message " + expected + " wrong or out of order";
                }
                received.incrementAndGet();
            }
            webSocket.request(1);
            return null;
        }
    }

    /** A client that completes the handshake on {@code path} with a tiny receive window, then does not read. */
    static Socket connectWithoutReading(int port, String path) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        byte[] key = new byte[16];
        ThreadLocalRandom.current().nextBytes(key);
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        // Only the 101 response head, byte by byte, so that no frame is consumed.
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed during the handshake: " + head);
            }
            head.append((char) b);
        }
        assertThat(head.toString()).startsWith("HTTP/1.1 101");
        return socket;
    }

    static void await(BooleanSupplier condition, Supplier<String> state) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out; " + state.get());
            }
            Thread.sleep(20);
        }
    }
}
