package dev.conduit.conformance;

import dev.conduit.websocket.spring.autoconfigure.UpgraderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * What the conformance tests add to the example app: gorilla's Autobahn endpoints, and compression
 * negotiated as in gorilla's Autobahn server ({@code EnableCompression: true}). A client that does
 * not offer permessage-deflate still gets an uncompressed connection.
 */
@Configuration(proxyBeanMethods = false)
@Import(AutobahnEndpoints.class)
public class ConformanceServerConfig {

    @Bean
    UpgraderCustomizer conformanceCompression() {
        return builder -> builder.enableCompression(true);
    }
}
