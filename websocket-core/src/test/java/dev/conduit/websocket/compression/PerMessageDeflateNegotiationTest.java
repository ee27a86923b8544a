package dev.conduit.websocket.compression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PerMessageDeflateNegotiationTest {
    private static final PerMessageDeflateConfig ON = PerMessageDeflateConfig.ENABLED;

    private static Optional<PerMessageDeflateNegotiation.Accepted> server(String offer, PerMessageDeflateConfig config) {
        return PerMessageDeflateNegotiation.acceptOffer(List.of(offer), config);
    }

    /** The response header the server sends, or "-" when it declines. */
    private static String response(String offer, PerMessageDeflateConfig config) {
        return server(offer, config).map(PerMessageDeflateNegotiation.Accepted::responseHeader).orElse("-");
    }

    // ---- server side -------------------------------------------------------------------------

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            permessage-deflate                                                  | permessage-deflate
            permessage-deflate; client_max_window_bits                          | permessage-deflate
            permessage-deflate; client_max_window_bits=8                        | permessage-deflate
            permessage-deflate; client_max_window_bits=15                       | permessage-deflate
            permessage-deflate; server_no_context_takeover                      | permessage-deflate; server_no_context_takeover
            permessage-deflate; client_no_context_takeover                      | permessage-deflate; client_no_context_takeover
            permessage-deflate; server_no_context_takeover; client_no_context_takeover | permessage-deflate; server_no_context_takeover; client_no_context_takeover
            permessage-deflate; server_max_window_bits=15                       | permessage-deflate; server_max_window_bits=15
            permessage-deflate; server_max_window_bits="15"                     | permessage-deflate; server_max_window_bits=15
            PerMessage-Deflate; Client_Max_Window_Bits                          | permessage-deflate
            permessage-deflate; server_max_window_bits=14                       | -
            permessage-deflate; server_max_window_bits=8                        | -
            permessage-deflate; server_max_window_bits                          | -
            permessage-deflate; server_max_window_bits=16                       | -
            permessage-deflate; server_max_window_bits=7                        | -
            permessage-deflate; server_max_window_bits=015                      | -
            permessage-deflate; server_max_window_bits=+15                      | -
            permessage-deflate; client_max_window_bits=16                       | -
            permessage-deflate; client_max_window_bits=7                        | -
            permessage-deflate; client_max_window_bits=abc                      | -
            permessage-deflate; server_no_context_takeover=1                    | -
            permessage-deflate; client_no_context_takeover=""                   | -
            permessage-deflate; server_no_context_takeover; server_no_context_takeover | -
            permessage-deflate; client_max_window_bits; client_max_window_bits=10 | -
            permessage-deflate; unknown                                         | -
            permessage-deflate; mux=1                                           | -
            x-webkit-deflate-frame                                              | -
            permessage-deflate junk                                             | -
            'permessage-deflate; server_max_window_bits=10, permessage-deflate; unknown, permessage-deflate; client_max_window_bits' | permessage-deflate
            'foo, permessage-deflate; server_max_window_bits=9, permessage-deflate; server_no_context_takeover' | permessage-deflate; server_no_context_takeover
            """)
    void serverAnswersTheFirstUsableOffer(String offer, String expected) {
        assertThat(response(offer, ON)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(ints = {8, 9, 10, 11, 12, 13, 14})
    void serverDeclinesEverySmallServerWindow(int bits) {
        assertThat(server("permessage-deflate; server_max_window_bits=" + bits, ON)).isEmpty();
        assertThat(server("permessage-deflate; client_max_window_bits=" + bits, ON)).isPresent();
    }

    @Test
    void serverNegotiatedParamsSayWhoResets() {
        PerMessageDeflateParams p = server("permessage-deflate; client_no_context_takeover", ON).orElseThrow().params();
        assertThat(p).isEqualTo(PerMessageDeflateParams.of(false, true));
        assertThat(p.sendNoContextTakeover(true)).isFalse();
        assertThat(p.receiveNoContextTakeover(true)).isTrue();
        assertThat(p.sendNoContextTakeover(false)).isTrue();
        assertThat(p.receiveNoContextTakeover(false)).isFalse();
    }

    @Test
    void serverConfigImposesNoContextTakeover() {
        PerMessageDeflateConfig config = ON.withServerNoContextTakeover(true).withClientNoContextTakeover(true);
        PerMessageDeflateNegotiation.Accepted a = server("permessage-deflate", config).orElseThrow();
        assertThat(a.responseHeader()).isEqualTo("permessage-deflate; server_no_context_takeover; client_no_context_takeover");
        assertThat(a.params()).isEqualTo(PerMessageDeflateParams.of(true, true));
        // The offer repeating what the configuration imposes is not a duplicate.
        assertThat(response("permessage-deflate; server_no_context_takeover", config))
                .isEqualTo("permessage-deflate; server_no_context_takeover; client_no_context_takeover");
    }

    @Test
    void disabledServerOrNoOfferMeansNoCompression() {
        assertThat(server("permessage-deflate", PerMessageDeflateConfig.DISABLED)).isEmpty();
        assertThat(PerMessageDeflateNegotiation.acceptOffer(null, ON)).isEmpty();
        assertThat(PerMessageDeflateNegotiation.acceptOffer(List.of(), ON)).isEmpty();
    }

    @Test
    void offersOnSeveralHeaderLinesAreTriedInOrder() {
        assertThat(PerMessageDeflateNegotiation.acceptOffer(
                List.of("permessage-deflate; server_max_window_bits=10", "permessage-deflate; client_max_window_bits"), ON))
                .map(PerMessageDeflateNegotiation.Accepted::responseHeader).contains("permessage-deflate");
    }

    @Test
    void serverResponseIsAcceptedByOurClient() throws ExtensionNegotiationException {
        for (PerMessageDeflateConfig client : List.of(ON, ON.withServerNoContextTakeover(true),
                ON.withClientNoContextTakeover(true), ON.withServerNoContextTakeover(true).withClientNoContextTakeover(true))) {
            String offer = PerMessageDeflateNegotiation.clientOffer(client).orElseThrow();
            PerMessageDeflateNegotiation.Accepted a = server(offer, ON).orElseThrow();
            assertThat(PerMessageDeflateNegotiation.acceptResponse(List.of(a.responseHeader()), client))
                    .as(offer).contains(a.params());
        }
    }

    // ---- client side -------------------------------------------------------------------------

    @Test
    void clientOffers() {
        assertThat(PerMessageDeflateNegotiation.clientOffer(ON)).contains("permessage-deflate");
        assertThat(PerMessageDeflateNegotiation.clientOffer(ON.withServerNoContextTakeover(true)))
                .contains("permessage-deflate; server_no_context_takeover");
        assertThat(PerMessageDeflateNegotiation.clientOffer(ON.withClientNoContextTakeover(true)))
                .contains("permessage-deflate; client_no_context_takeover");
        assertThat(PerMessageDeflateNegotiation.clientOffer(PerMessageDeflateConfig.DISABLED)).isEmpty();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            permessage-deflate                                               | false | false | 15
            permessage-deflate; server_no_context_takeover                   | true  | false | 15
            permessage-deflate; client_no_context_takeover                   | false | true  | 15
            permessage-deflate; server_max_window_bits=8                     | false | false | 8
            permessage-deflate; server_max_window_bits=12; client_no_context_takeover | false | true | 12
            Permessage-Deflate; Server_No_Context_Takeover                   | true  | false | 15
            """)
    void clientAcceptsValidResponses(String response, boolean serverNoTakeover, boolean clientNoTakeover, int serverBits)
            throws ExtensionNegotiationException {
        assertThat(PerMessageDeflateNegotiation.acceptResponse(List.of(response), ON))
                .contains(new PerMessageDeflateParams(serverNoTakeover, clientNoTakeover, serverBits, 15));
    }

    @Test
    void clientKeepsItsOwnPromiseOfNoContextTakeover() throws ExtensionNegotiationException {
        assertThat(PerMessageDeflateNegotiation.acceptResponse(List.of("permessage-deflate"), ON.withClientNoContextTakeover(true)))
                .contains(PerMessageDeflateParams.of(false, true));
    }

    @Test
    void clientRunsUncompressedWhenTheServerDeclines() throws ExtensionNegotiationException {
        assertThat(PerMessageDeflateNegotiation.acceptResponse(null, ON)).isEmpty();
        assertThat(PerMessageDeflateNegotiation.acceptResponse(List.of(), ON)).isEmpty();
        assertThat(PerMessageDeflateNegotiation.acceptResponse(List.of(""), ON)).isEmpty();
        assertThat(PerMessageDeflateNegotiation.acceptResponse(null, PerMessageDeflateConfig.DISABLED)).isEmpty();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            x-webkit-deflate-frame                                    | extension x-webkit-deflate-frame that was not offered
            'permessage-deflate, foo'                                 | extension foo that was not offered
            'permessage-deflate, permessage-deflate'                  | permessage-deflate twice
            permessage-deflate; unknown                               | unknown permessage-deflate parameter unknown
            permessage-deflate; server_no_context_takeover; server_no_context_takeover | repeated
            permessage-deflate; server_no_context_takeover=1          | has a value
            permessage-deflate; server_max_window_bits                | invalid server_max_window_bits
            permessage-deflate; server_max_window_bits=7              | invalid server_max_window_bits
            permessage-deflate; server_max_window_bits=16             | invalid server_max_window_bits
            permessage-deflate; client_max_window_bits=15             | client_max_window_bits, which was not offered
            permessage-deflate; client_max_window_bits=10             | client_max_window_bits, which was not offered
            permessage-deflate; client_max_window_bits                | client_max_window_bits, which was not offered
            permessage-deflate junk                                   | malformed
            permessage-deflate;                                       | malformed
            """)
    void clientFailsBadResponses(String response, String message) {
        assertThatThrownBy(() -> PerMessageDeflateNegotiation.acceptResponse(List.of(response), ON))
                .isInstanceOf(ExtensionNegotiationException.class).hasMessageContaining(message);
    }

    @Test
    void clientFailsAnExtensionItDidNotOffer() {
        assertThatThrownBy(() -> PerMessageDeflateNegotiation.acceptResponse(List.of("permessage-deflate"),
                PerMessageDeflateConfig.DISABLED))
                .isInstanceOf(ExtensionNegotiationException.class).hasMessageContaining("not offered");
    }

    @Test
    void clientFailsWhenTheServerIgnoresItsRequestForNoContextTakeover() {
        assertThatThrownBy(() -> PerMessageDeflateNegotiation.acceptResponse(List.of("permessage-deflate"),
                ON.withServerNoContextTakeover(true)))
                .isInstanceOf(ExtensionNegotiationException.class).hasMessageContaining("server_no_context_takeover");
    }

    @Test
    void paramsRejectInvalidWindows() {
        assertThatThrownBy(() -> new PerMessageDeflateParams(false, false, 7, 15)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PerMessageDeflateParams(false, false, 15, 16)).isInstanceOf(IllegalArgumentException.class);
    }
}
