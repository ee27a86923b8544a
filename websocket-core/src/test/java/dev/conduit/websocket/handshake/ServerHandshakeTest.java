package dev.conduit.websocket.handshake;

import dev.conduit.websocket.HandshakeException;
import dev.conduit.websocket.compression.PerMessageDeflateParams;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ServerHandshakeTest {
    static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

    /** A request built line by line, headers matched ignoring case like a container does. */
    static final class Req implements HandshakeRequest {
        String method = "GET";
        String protocol = "HTTP/1.1";
        final List<String[]> lines = new ArrayList<>();

        static Req valid() {
            return new Req().h("Host", "example.com:8080").h("Upgrade", "websocket").h("Connection", "Upgrade")
                    .h("Sec-WebSocket-Version", "13").h("Sec-WebSocket-Key", KEY);
        }

        Req h(String name, String value) {
            lines.add(new String[] {name, value});
            return this;
        }

        Req without(String name) {
            lines.removeIf(l -> l[0].equalsIgnoreCase(name));
            return this;
        }

        Req set(String name, String value) {
            return without(name).h(name, value);
        }

        @Override
        public String method() {
            return method;
        }

        @Override
        public String protocol() {
            return protocol;
        }

        @Override
        public List<String> headers(String name) {
            return lines.stream().filter(l -> l[0].equalsIgnoreCase(name)).map(l -> l[1]).toList();
        }
    }

    static ServerHandshake handshake(String... subprotocols) {
        OriginRules rules = OriginRules.sameOriginOr(List.of());
        return new ServerHandshake(List.of(subprotocols), null, rules::allows, rules.toString(), false);
    }

    static HandshakeException refused(ServerHandshake hs, Req req) {
        return catchThrowableOfType(HandshakeException.class, () -> hs.accept(req, null));
    }

    @Test
    void acceptsTheRfcExampleAndAnswersItsAcceptKey() throws Exception {
        ServerHandshake.Accepted a = handshake().accept(Req.valid(), null);
        assertThat(a.headers()).containsEntry("Upgrade", List.of("websocket"))
                .containsEntry("Connection", List.of("Upgrade"))
                .containsEntry("Sec-WebSocket-Accept", List.of("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="))
                .doesNotContainKey("Sec-WebSocket-Protocol").doesNotContainKey("Sec-WebSocket-Extensions");
        assertThat(a.subprotocol()).isEmpty();
    }

    @Test
    void nonGetIs405EvenWithoutUpgradeHeaders() {
        Req req = new Req();
        req.method = "POST";
        HandshakeException e = refused(handshake(), req);
        assertThat(e.status()).isEqualTo(405);
        assertThat(e.getMessage()).contains("POST").contains("GET");
        assertThat(ServerHandshake.errorHeaders(405)).containsEntry("Allow", "GET");
    }

    @Test
    void noUpgradeHeaderIs426WithUpgradeWebsocket() {
        HandshakeException e = refused(handshake(), Req.valid().without("Upgrade"));
        assertThat(e.status()).isEqualTo(426);
        assertThat(e.getMessage()).contains("'Upgrade'");
        assertThat(ServerHandshake.errorHeaders(426)).containsEntry("Upgrade", "websocket")
                .containsEntry("Sec-WebSocket-Version", "13");
    }

    @Test
    void upgradeWithoutWebsocketTokenIs400() {
        HandshakeException e = refused(handshake(), Req.valid().set("Upgrade", "h2c"));
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).contains("'websocket' token not found in 'Upgrade' header");
        // A token only counts as a list element: "x websocket" does not match.
        assertThat(refused(handshake(), Req.valid().set("Upgrade", "x websocket")).status()).isEqualTo(400);
    }

    @Test
    void connectionWithoutUpgradeTokenIs400() {
        assertThat(refused(handshake(), Req.valid().without("Connection")).getMessage())
                .contains("'upgrade' token not found in 'Connection' header");
        assertThat(refused(handshake(), Req.valid().set("Connection", "keep-alive")).status()).isEqualTo(400);
    }

    @Test
    void tokensAreFoundInAnyLineAndCommaListIgnoringCase() throws Exception {
        Req req = Req.valid().without("Connection").h("Connection", "keep-alive").h("Connection", "foo, UPGRADE")
                .set("Upgrade", "WebSocket").set("Sec-WebSocket-Version", "8, 13");
        assertThat(handshake().accept(req, null).headers()).containsKey("Sec-WebSocket-Accept");
    }

    @Test
    void versionOtherThan13Is426() {
        HandshakeException e = refused(handshake(), Req.valid().set("Sec-WebSocket-Version", "8"));
        assertThat(e.status()).isEqualTo(426);
        assertThat(e.getMessage()).contains("13 not found in 'Sec-WebSocket-Version'");
        assertThat(refused(handshake(), Req.valid().without("Sec-WebSocket-Version")).status()).isEqualTo(426);
    }

    @Test
    void missingOrMalformedKeyIs400() {
        assertThat(refused(handshake(), Req.valid().without("Sec-WebSocket-Key")).getMessage())
                .contains("'Sec-WebSocket-Key' header is missing or blank");
        assertThat(refused(handshake(), Req.valid().set("Sec-WebSocket-Key", "   ")).status()).isEqualTo(400);
        // base64 of 15 and 17 bytes, and not base64 at all
        for (String bad : List.of("AAAAAAAAAAAAAAAAAAAA", "AAAAAAAAAAAAAAAAAAAAAAA=", "!!!!!!!!!!!!!!!!!!!!!!==")) {
            HandshakeException e = refused(handshake(), Req.valid().set("Sec-WebSocket-Key", bad));
            assertThat(e.status()).as(bad).isEqualTo(400);
            assertThat(e.getMessage()).contains("Base64 encoded value of 16-byte");
        }
    }

    @Test
    void http10OrNoHostIs400() {
        Req old = Req.valid();
        old.protocol = "HTTP/1.0";
        HandshakeException e = refused(handshake(), old);
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).contains("HTTP/1.1").contains("HTTP/1.0");
        assertThat(refused(handshake(), Req.valid().without("Host")).getMessage()).contains("'Host'");
    }

    @Test
    void orderOfChecksDecidesTheStatus() {
        // bad version and bad origin: the version wins (426, not 403)
        assertThat(refused(handshake(), Req.valid().set("Sec-WebSocket-Version", "7").h("Origin", "http://evil"))
                .status()).isEqualTo(426);
        // bad key and HTTP/1.0: the key check comes first, both are 400 but the reason names the key
        Req r = Req.valid().set("Sec-WebSocket-Key", "x");
        r.protocol = "HTTP/1.0";
        assertThat(refused(handshake(), r).getMessage()).contains("Sec-WebSocket-Key");
        // bad origin and forbidden response header: 403 first
        assertThat(catchThrowableOfType(HandshakeException.class, () -> handshake().accept(
                Req.valid().h("Origin", "http://evil"), Map.of("Sec-WebSocket-Extensions", List.of("x")))).status())
                .isEqualTo(403);
    }

    @Test
    void originIsCheckedAfterTheHandshakeHeaders() {
        HandshakeException e = refused(handshake(), Req.valid().h("Origin", "http://other.com"));
        assertThat(e.status()).isEqualTo(403);
        assertThat(e.getMessage()).contains("origin not allowed").contains("same-origin");
    }

    @Test
    void applicationExtensionsHeaderIs500() {
        HandshakeException e = catchThrowableOfType(HandshakeException.class, () -> handshake().accept(Req.valid(),
                Map.of("sec-websocket-extensions", List.of("permessage-deflate"))));
        assertThat(e.status()).isEqualTo(500);
        assertThat(e.getMessage()).contains("'Sec-WebSocket-Extensions' headers are unsupported");
    }

    @Test
    void clientPreferenceWinsAcrossEveryProtocolLine() throws Exception {
        ServerHandshake hs = handshake("a", "b", "c");
        assertThat(hs.accept(Req.valid().h("Sec-WebSocket-Protocol", "b, a"), null).subprotocol()).isEqualTo("b");
        assertThat(hs.accept(Req.valid().h("Sec-WebSocket-Protocol", "x").h("Sec-WebSocket-Protocol", "c, a"), null)
                .headers()).containsEntry("Sec-WebSocket-Protocol", List.of("c"));
        assertThat(hs.accept(Req.valid().h("Sec-WebSocket-Protocol", "x, y"), null).headers())
                .doesNotContainKey("Sec-WebSocket-Protocol");
        assertThat(hs.accept(Req.valid(), null).subprotocol()).isEmpty();
        // names are case-sensitive
        assertThat(hs.accept(Req.valid().h("Sec-WebSocket-Protocol", "A"), null).subprotocol()).isEmpty();
    }

    @Test
    void customSelectorDecidesButMustPickAnOfferedProtocol() throws Exception {
        SubprotocolSelector serverOrder = (offered, supported) ->
                supported.stream().filter(offered::contains).findFirst().orElse(null);
        OriginRules rules = OriginRules.sameOriginOr(List.of());
        ServerHandshake hs = new ServerHandshake(List.of("a", "b"), serverOrder, rules::allows, "r", false);
        assertThat(hs.accept(Req.valid().h("Sec-WebSocket-Protocol", "b, a"), null).subprotocol()).isEqualTo("a");

        ServerHandshake bad = new ServerHandshake(List.of("a"), (o, s) -> "zzz", rules::allows, "r", false);
        assertThat(refused(bad, Req.valid().h("Sec-WebSocket-Protocol", "a")).status()).isEqualTo(500);
    }

    @Test
    void withoutConfiguredProtocolsTheApplicationsHeaderIsUsed() throws Exception {
        ServerHandshake.Accepted a = handshake().accept(Req.valid().h("Sec-WebSocket-Protocol", "x"),
                Map.of("Sec-WebSocket-Protocol", List.of("x")));
        assertThat(a.subprotocol()).isEqualTo("x");
        assertThat(a.headers().get("Sec-WebSocket-Protocol")).containsExactly("x");
    }

    @Test
    void compressionIsNegotiatedOnlyWhenEnabled() throws Exception {
        OriginRules rules = OriginRules.sameOriginOr(List.of());
        ServerHandshake on = new ServerHandshake(List.of(), null, rules::allows, "r", true);
        ServerHandshake.Accepted a = on.accept(Req.valid()
                .h("Sec-WebSocket-Extensions", "permessage-deflate; server_max_window_bits=10, permessage-deflate; client_max_window_bits"), null);
        assertThat(a.headers()).containsEntry("Sec-WebSocket-Extensions", List.of("permessage-deflate"));
        assertThat(a.compression()).isEqualTo(PerMessageDeflateParams.of(false, false));
        // Only offers that need a smaller server window: declined, the connection is uncompressed.
        ServerHandshake.Accepted declined = on.accept(Req.valid().h("Sec-WebSocket-Extensions", "permessage-deflate; server_max_window_bits=9"), null);
        assertThat(declined.headers()).doesNotContainKey("Sec-WebSocket-Extensions");
        assertThat(declined.compression()).isNull();

        ServerHandshake off = new ServerHandshake(List.of(), null, rules::allows, "r", false);
        ServerHandshake.Accepted plain = off.accept(Req.valid().h("Sec-WebSocket-Extensions", "permessage-deflate"), null);
        assertThat(plain.headers()).doesNotContainKey("Sec-WebSocket-Extensions");
        assertThat(plain.compression()).isNull();
    }

    @Test
    void responseHeaderValuesCannotSplitTheResponse() throws Exception {
        Map<String, List<String>> extra = new LinkedHashMap<>();
        extra.put("X-Bad", List.of("a\r\nInjected: 1"));
        extra.put("Set-Cookie", List.of("a=1", "b=2"));
        ServerHandshake.Accepted a = handshake().accept(Req.valid(), extra);
        assertThat(a.headers().get("X-Bad")).containsExactly("a  Injected: 1");
        assertThat(a.headers().get("Set-Cookie")).containsExactly("a=1", "b=2");
        assertThatThrownBy(() -> handshake().accept(Req.valid(), Map.of("Bad Name", List.of("v"))))
                .isInstanceOf(HandshakeException.class);
    }

    @Test
    void offeredSubprotocolsReadsEveryLineTrimmedWithoutEmptyItems() {
        Req r = Req.valid().h("Sec-WebSocket-Protocol", " foo, bar ").h("Sec-WebSocket-Protocol", "baz,,");
        assertThat(ServerHandshake.offeredSubprotocols(r)).containsExactly("foo", "bar", "baz");
    }
}
