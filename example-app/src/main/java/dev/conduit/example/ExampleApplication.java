package dev.conduit.example;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * Every example of gorilla/websocket's {@code Conn} documentation as a running endpoint, written
 * with the Conduit starter, plus a chat page at {@code /}.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class ExampleApplication {

    /**
     * @param args command-line arguments
     */
    public static void main(String[] args) {
        SpringApplication.run(ExampleApplication.class, args);
    }
}
