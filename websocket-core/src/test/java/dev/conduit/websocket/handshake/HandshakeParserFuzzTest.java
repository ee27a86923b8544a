package dev.conduit.websocket.handshake;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.websocket.HandshakeException;
import dev.conduit.websocket.testing.FuzzRun;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Fuzzing of the server handshake ({@link ServerHandshake}, with the default {@link OriginRules}):
 * requests built from a valid upgrade by replacing, dropping, duplicating and adding headers with
 * arbitrary text, plus arbitrary application response headers. The outcome is an accepted upgrade
 * whose answer is exactly the RFC's, or a {@link HandshakeException} with one of the documented
 * statuses; nothing else, no hang, and no header value in the answer that could split the response.
 */
class HandshakeParserFuzzTest {
    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";
    private static final List<String> NAMES = List.of("Upgrade", "Connection", "Sec-WebSocket-Version",
            "Sec-WebSocket-Key", "Host", "Origin", "Sec-WebSocket-Protocol", "Sec-WebSocket-Extensions");

    /** A request whose header lookups ignore case, as HTTP and the Servlet API do. */
    record Request(String method, String protocol, Map<String, List<String>> lines) implements HandshakeRequest {
        @Override
        public List<String> headers(String name) {
            return lines.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
        }
    }

    /** One change to the valid request. */
    record Edit(int kind, String name, String value) {
    }

    @Property
    void upgradeRequestsAreAcceptedExactlyOrRefusedWithADocumentedStatus(@ForAll("methods") String method,
            @ForAll("protocols") String protocol, @ForAll("edits") List<Edit> edits,
            @ForAll("patterns") List<String> patterns, @ForAll("responseHeaders") Map<String, List<String>> appHeaders) {
        Map<String, List<String>> lines = new LinkedHashMap<>();
        put(lines, "Upgrade", "websocket");
        put(lines, "Connection", "Upgrade");
        put(lines, "Sec-WebSocket-Version", "13");
        put(lines, "Sec-WebSocket-Key", KEY);
        put(lines, "Host", "example.com:8080");
        for (Edit e : edits) {
            String key = e.name.toLowerCase(Locale.ROOT);
            switch (e.kind) {
                case 0 -> lines.put(key, new ArrayList<>(List.of(e.value))); // replace
                case 1 -> lines.remove(key); // drop
                default -> lines.computeIfAbsent(key, k -> new ArrayList<>()).add(e.value); // add a line
            }
        }
        Request request = new Request(method, protocol, lines);
        OriginRules rules = OriginRules.sameOriginOr(patterns);
        ServerHandshake handshake = new ServerHandshake(List.of("chat", "v2.chat"), null, rules::allows, rules.toString(), false);

        FuzzRun.Outcome<ServerHandshake.Accepted> o = FuzzRun.run(() -> handshake.accept(request, appHeaders));

        if (o.thrown() != null) {
            if (!(o.thrown() instanceof HandshakeException he)) {
                throw new AssertionError("undocumented failure", o.thrown());
            }
            assertThat(he.status()).isIn(400, 403, 405, 426, 500);
            return;
        }
        ServerHandshake.Accepted accepted = o.value();
        // Accepted only if the request really is a version-13 upgrade with a valid key.
        assertThat(method).isEqualTo("GET");
        assertThat(protocol).isEqualTo("HTTP/1.1");
        assertThat(HeaderTokens.containsToken(request.headers("Upgrade"), "websocket")).isTrue();
        assertThat(HeaderTokens.containsToken(request.headers("Connection"), "upgrade")).isTrue();
        assertThat(HeaderTokens.containsToken(request.headers("Sec-WebSocket-Version"), "13")).isTrue();
        String key = request.header("Sec-WebSocket-Key").trim();
        assertThat(AcceptKey.isValidClientKey(key)).isTrue();
        assertThat(rules.allows(request)).isTrue();
        assertThat(accepted.headers().get("Sec-WebSocket-Accept")).containsExactly(AcceptKey.accept(key));
        assertThat(accepted.headers()).doesNotContainKey("Sec-WebSocket-Extensions");
        if (!accepted.subprotocol().isEmpty()) {
            assertThat(ServerHandshake.offeredSubprotocols(request)).contains(accepted.subprotocol());
        }
        accepted.headers().forEach((name, values) -> {
            assertThat(name).matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
            values.forEach(v -> assertThat(v).doesNotContain("\r", "\n", "\u0000"));
        });
    }

    @Property
    void originRulesNeverThrow(@ForAll("headerValues") String origin, @ForAll("headerValues") String host,
            @ForAll("patterns") List<String> patterns) {
        Map<String, List<String>> lines = new LinkedHashMap<>();
        put(lines, "Origin", origin);
        put(lines, "Host", host);
        FuzzRun.Outcome<Boolean> o = FuzzRun.run(() -> OriginRules.sameOriginOr(patterns).allows(new Request("GET", "HTTP/1.1", lines)));
        assertThat(o.thrown()).isNull();
        if (patterns.isEmpty() && !origin.trim().equals("null")) {
            assertThat(o.value()).isEqualTo(OriginRules.isSameOrigin(origin.trim(), host));
        }
    }

    private static void put(Map<String, List<String>> lines, String name, String value) {
        lines.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(value);
    }

    @Provide
    Arbitrary<String> methods() {
        return Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.just("GET")),
                Tuple.of(1, Arbitraries.of("POST", "get", "HEAD", "CONNECT", "")), Tuple.of(1, Arbitraries.strings().ofMaxLength(8)));
    }

    @Provide
    Arbitrary<String> protocols() {
        return Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.just("HTTP/1.1")),
                Tuple.of(1, Arbitraries.of("HTTP/1.0", "HTTP/2.0", "http/1.1", "")), Tuple.of(1, Arbitraries.strings().ofMaxLength(10)));
    }

    @Provide
    Arbitrary<String> headerValues() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of("websocket", "Upgrade", "keep-alive, Upgrade", "13", "8, 13", KEY,
                        "AAAAAAAAAAAAAAAAAAAAAA==", "AAAAAAAAAAAAAAAAAAAAAA", "example.com:8080", "http://example.com:8080",
                        "https://evil.example", "null", "chat, v2.chat", "x", " ", "", "permessage-deflate",
                        "websocket\r\nX-Injected: 1", "http://[::1]:8080", "http://exa mple.com", "%%%", "\u0000")),
                Tuple.of(2, Arbitraries.strings().ofMaxLength(40)),
                Tuple.of(1, Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMaxLength(40)));
    }

    @Provide
    Arbitrary<List<Edit>> edits() {
        Arbitrary<String> names = Arbitraries.frequencyOf(Tuple.of(5, Arbitraries.of(NAMES)),
                Tuple.of(1, Arbitraries.strings().ofMaxLength(12)));
        return Combinators.combine(Arbitraries.integers().between(0, 2), names, headerValues()).as(Edit::new)
                .list().ofMaxSize(4);
    }

    @Provide
    Arbitrary<List<String>> patterns() {
        return Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.just(List.<String>of())),
                Tuple.of(1, Arbitraries.of("*", "null", "https://*.example", "http://localhost:*", "**", "*.*", "(", "[")
                        .list().ofMaxSize(3)),
                Tuple.of(1, Arbitraries.strings().ofMaxLength(12).list().ofMaxSize(2)));
    }

    @Provide
    Arbitrary<Map<String, List<String>>> responseHeaders() {
        Arbitrary<String> names = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of("Set-Cookie", "X-Trace", "Sec-WebSocket-Protocol", "Sec-WebSocket-Extensions", "Upgrade")),
                Tuple.of(1, Arbitraries.strings().ofMaxLength(10)));
        return Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(null)),
                Tuple.of(1, Arbitraries.maps(names, headerValues().list().ofMaxSize(2)).ofMaxSize(3)));
    }
}
