package dev.conduit.bench.conduit;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Our server as users run it: a Spring Boot app with the starter, {@code /echo} and
 * {@code /broadcast} as {@code @WebSocketEndpoint}s. Start with {@code --server.port=N}; it listens
 * on 127.0.0.1 only (application.properties).
 */
@SpringBootApplication
public class ConduitPeer {
    public static void main(String[] args) {
        SpringApplication.run(ConduitPeer.class, args);
    }
}
