package dev.conduit.websocket.handshake;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class OriginRulesTest {
    static boolean allows(List<String> patterns, String host, String origin) {
        ServerHandshakeTest.Req r = new ServerHandshakeTest.Req().h("Host", host);
        if (origin != null) {
            r.h("Origin", origin);
        }
        return OriginRules.sameOriginOr(patterns).allows(r);
    }

    @Test
    void sameOriginRuleLikeGorilla() {
        assertThat(allows(List.of(), "example.com", null)).as("no Origin: not a browser").isTrue();
        assertThat(allows(List.of(), "example.com", "https://example.com")).isTrue();
        assertThat(allows(List.of(), "Example.COM:8080", "http://example.com:8080")).as("case").isTrue();
        assertThat(allows(List.of(), "example.com:8080", "http://example.com:9090")).as("port").isFalse();
        assertThat(allows(List.of(), "example.com", "http://example.com:8080")).as("port only on one side").isFalse();
        assertThat(allows(List.of(), "example.com", "null")).isFalse();
        assertThat(allows(List.of(), "example.com", "http://evil.com")).isFalse();
        assertThat(allows(List.of(), "example.com", "::not a url")).isFalse();
    }

    @Test
    void patternsWidenTheSameOriginRule() {
        List<String> p = List.of("https://*.example.com", "http://localhost:*");
        assertThat(allows(p, "api.internal", "https://app.example.com")).isTrue();
        assertThat(allows(p, "api.internal", "HTTPS://APP.EXAMPLE.COM")).isTrue();
        assertThat(allows(p, "api.internal", "https://example.com.evil.net")).isFalse();
        assertThat(allows(p, "api.internal", "http://app.example.com")).as("scheme is part of a pattern").isFalse();
        assertThat(allows(p, "api.internal", "http://localhost:3000")).isTrue();
        assertThat(allows(p, "api.internal", "http://localhost.evil.net")).isFalse();
        assertThat(allows(p, "api.internal", "null")).isFalse();
    }

    @Test
    void starAllowsEveryOriginButNullNeedsItsOwnPattern() {
        assertThat(allows(List.of("*"), "a", "http://anything:1")).isTrue();
        assertThat(allows(List.of("*"), "a", "null")).isFalse();
        assertThat(allows(List.of("null"), "a", "null")).isTrue();
    }

    @Test
    void describesItsRuleForLogs() {
        assertThat(OriginRules.sameOriginOr(List.of()).toString()).isEqualTo("same-origin");
        assertThat(OriginRules.sameOriginOr(List.of("https://*.x")).toString()).contains("https://*.x");
    }
}
