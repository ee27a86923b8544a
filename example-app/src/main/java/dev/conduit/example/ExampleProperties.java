package dev.conduit.example;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Timings of the example endpoints.
 *
 * @param pongWait how long {@code /keepalive} waits for any message or pong before giving up
 * @param tickerPeriod how often {@code /ticker} writes
 */
@ConfigurationProperties(prefix = "example")
public record ExampleProperties(Duration pongWait, Duration tickerPeriod) {

    /**
     * Applies the defaults of gorilla's examples.
     *
     * @param pongWait how long to wait for a pong, default 60s
     * @param tickerPeriod the ticker's period, default 5s
     */
    public ExampleProperties {
        pongWait = pongWait != null ? pongWait : Duration.ofSeconds(60);
        tickerPeriod = tickerPeriod != null ? tickerPeriod : Duration.ofSeconds(5);
    }
}
