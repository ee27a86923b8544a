package dev.conduit.websocket.compression;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Negotiation and codec against a permessage-deflate we did not write: the Python websockets
 * library (Debian python3-websockets), once as the client and once as the server.
 */
class PythonWebsocketsInteropTest {
    private PythonWebsocketsPeer python;

    @BeforeEach
    void start() throws IOException {
        python = PythonWebsocketsPeer.start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (python != null) { // null when the peer is missing: start() already reported that
            python.close();
        }
    }

    private static Map<String, Object> cfg(boolean snct, boolean cnct, Integer smwb, Object cmwb) {
        Map<String, Object> m = new HashMap<>();
        m.put("snct", snct);
        m.put("cnct", cnct);
        m.put("smwb", smwb);
        m.put("cmwb", cmwb);
        return m;
    }

    private static List<byte[]> messages() {
        Random r = new Random(7);
        byte[] random = new byte[5000];
        r.nextBytes(random);
        return List.of("Hello".getBytes(UTF_8), new byte[0],
                "{\"user\":\"ann\",\"text\":\"hello there\"}".repeat(40).getBytes(UTF_8), random,
                "{\"user\":\"ann\",\"text\":\"hello there\"}".repeat(40).getBytes(UTF_8), "Hello".getBytes(UTF_8));
    }

    /** Messages both ways: ours inflated by Python, Python's inflated by us, in order. */
    private void exchange(ConnCompression ours) throws IOException {
        for (byte[] m : messages()) {
            byte[] wire = ours.deflater().compress(m, 0, m.length);
            JsonNode decoded = python.call("decode", Hex.of(wire).replace(" ", ""));
            assertThat(decoded.has("error")).as("python decode error %s", decoded).isFalse();
            assertThat(Hex.bytes(decoded.get("data").asText())).isEqualTo(m);

            JsonNode encoded = python.call("encode", Hex.of(m).replace(" ", ""));
            assertThat(encoded.get("rsv1").asBoolean()).isTrue();
            assertThat(ours.inflater().inflate(Hex.bytes(encoded.get("data").asText()), 0)).isEqualTo(m);
        }
    }

    // ---- Python client, our server -------------------------------------------------------------

    @Test
    void pythonClientDefaultOfferIsAcceptedWithContextTakeover() throws IOException {
        Map<String, Object> client = cfg(false, false, null, true);
        String offer = python.call("client_offer", client).get("header").asText();
        assertThat(offer).isEqualTo("permessage-deflate; client_max_window_bits");
        PerMessageDeflateNegotiation.Accepted accepted =
                PerMessageDeflateNegotiation.acceptOffer(List.of(offer), PerMessageDeflateConfig.ENABLED).orElseThrow();
        assertThat(python.call("client_accept", client, accepted.responseHeader()).get("ok").asBoolean()).isTrue();
        try (ConnCompression server = new ConnCompression(accepted.params(), true)) {
            assertThat(server.deflater().noContextTakeover()).isFalse();
            exchange(server);
        }
    }

    @Test
    void pythonClientAskingForNoContextTakeoverBothWays() throws IOException {
        Map<String, Object> client = cfg(true, true, null, true);
        String offer = python.call("client_offer", client).get("header").asText();
        PerMessageDeflateNegotiation.Accepted accepted =
                PerMessageDeflateNegotiation.acceptOffer(List.of(offer), PerMessageDeflateConfig.ENABLED).orElseThrow();
        assertThat(accepted.params()).isEqualTo(PerMessageDeflateParams.of(true, true));
        assertThat(python.call("client_accept", client, accepted.responseHeader()).get("ok").asBoolean()).isTrue();
        try (ConnCompression server = new ConnCompression(accepted.params(), true)) {
            exchange(server);
        }
    }

    @Test
    void serverImposingNoContextTakeoverIsAcceptedByPython() throws IOException {
        Map<String, Object> client = cfg(false, false, null, true);
        String offer = python.call("client_offer", client).get("header").asText();
        PerMessageDeflateNegotiation.Accepted accepted = PerMessageDeflateNegotiation.acceptOffer(List.of(offer),
                PerMessageDeflateConfig.ENABLED.withServerNoContextTakeover(true).withClientNoContextTakeover(true)).orElseThrow();
        assertThat(python.call("client_accept", client, accepted.responseHeader()).get("ok").asBoolean()).isTrue();
        try (ConnCompression server = new ConnCompression(accepted.params(), true)) {
            exchange(server);
        }
    }

    @Test
    void pythonClientLimitingTheServerWindowIsDeclined() throws IOException {
        for (int bits = 9; bits <= 14; bits++) {
            String offer = python.call("client_offer", cfg(false, false, bits, true)).get("header").asText();
            assertThat(offer).contains("server_max_window_bits=" + bits);
            assertThat(PerMessageDeflateNegotiation.acceptOffer(List.of(offer), PerMessageDeflateConfig.ENABLED)).isEmpty();
        }
        String offer = python.call("client_offer", cfg(false, false, 15, true)).get("header").asText();
        PerMessageDeflateNegotiation.Accepted accepted =
                PerMessageDeflateNegotiation.acceptOffer(List.of(offer), PerMessageDeflateConfig.ENABLED).orElseThrow();
        assertThat(python.call("client_accept", cfg(false, false, 15, true), accepted.responseHeader()).get("ok").asBoolean()).isTrue();
    }

    // ---- our client, Python server -------------------------------------------------------------

    @Test
    void ourOffersAgainstPythonServers() throws IOException {
        List<PerMessageDeflateConfig> clients = List.of(PerMessageDeflateConfig.ENABLED,
                PerMessageDeflateConfig.ENABLED.withServerNoContextTakeover(true),
                PerMessageDeflateConfig.ENABLED.withClientNoContextTakeover(true));
        List<Map<String, Object>> servers = List.of(cfg(false, false, null, null), cfg(true, false, null, null),
                cfg(false, true, null, null), cfg(true, true, null, null), cfg(false, false, 10, null), cfg(false, false, 9, null));
        // (not 8: zlib refuses an 8-bit raw window, so Python fails to build such a server)
        for (PerMessageDeflateConfig client : clients) {
            for (Map<String, Object> server : servers) {
                String offer = PerMessageDeflateNegotiation.clientOffer(client).orElseThrow();
                JsonNode answer = python.call("server_respond", server, offer);
                assertThat(answer.get("header").isNull()).as("python declined %s", offer).isFalse();
                Optional<PerMessageDeflateParams> agreed =
                        PerMessageDeflateNegotiation.acceptResponse(List.of(answer.get("header").asText()), client);
                assertThat(agreed).as(answer.toString()).isPresent();
                try (ConnCompression ours = new ConnCompression(agreed.get(), false)) {
                    // A Python server with a 9- or 10-bit window: our 15-bit inflater reads it.
                    exchange(ours);
                }
            }
        }
    }

    @Test
    void pythonServerDemandingAClientWindowGetsNoCompressionFromUs() throws IOException {
        // We never offer client_max_window_bits, so a server that needs it must decline or answer
        // without it; either way the client proceeds or fails cleanly, never with a lie.
        String offer = PerMessageDeflateNegotiation.clientOffer(PerMessageDeflateConfig.ENABLED).orElseThrow();
        JsonNode answer = python.call("server_respond", cfg(false, false, null, 10), offer);
        if (!answer.get("header").isNull()) {
            assertThat(answer.get("header").asText()).doesNotContain("client_max_window_bits");
        }
    }
}
