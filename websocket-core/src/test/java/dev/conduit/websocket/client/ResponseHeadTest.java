package dev.conduit.websocket.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conduit.websocket.NetConn;
import dev.conduit.websocket.testing.ScriptedNetConn;

import java.io.EOFException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The response-head parser and the error-body reader, fed in pieces of every size. */
class ResponseHeadTest {

    /** An in-memory transport that hands out at most {@code chunk} bytes per read, like a slow network. */
    private static NetConn trickle(String data, int chunk) {
        return new ScriptedNetConn(data.getBytes(StandardCharsets.ISO_8859_1), chunk);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 64, 8192})
    void keepsTheBytesAfterTheHeadWhateverTheReadSizes(int chunk) throws Exception {
        String wire = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nconnection: Upgrade\r\n"
                + "X-Twice: a\r\nx-twice: b\r\n\r\n\u0081\u0002hi";
        NetConn in = trickle(wire, chunk);
        ResponseHead head = ResponseHead.read(in, "handshake");
        assertThat(head.status).isEqualTo(101);
        assertThat(head.reason).isEqualTo("Switching Protocols");
        assertThat(head.values("CONNECTION")).containsExactly("Upgrade");
        assertThat(head.values("X-Twice")).containsExactly("a", "b");
        assertThat(head.headers.keySet()).contains("X-Twice");
        // Whatever the head read consumed past the blank line plus what is still unread is the frame.
        byte[] rest = new byte[16];
        int more = 0;
        for (int n; (n = in.read(rest, more, rest.length - more)) > 0; ) {
            more += n;
        }
        byte[] all = new byte[head.leftover.length + more];
        System.arraycopy(head.leftover, 0, all, 0, head.leftover.length);
        System.arraycopy(rest, 0, all, head.leftover.length, more);
        assertThat(all).containsExactly(0x81, 2, 'h', 'i');
    }

    @Test
    void toleratesBareLineFeedsAndAMissingReason() throws Exception {
        ResponseHead head = ResponseHead.read(trickle("HTTP/1.1 204\nA:  spaced value \n\n", 5), "handshake");
        assertThat(head.status).isEqualTo(204);
        assertThat(head.reason).isEmpty();
        assertThat(head.values("a")).containsExactly("spaced value");
    }

    @ParameterizedTest
    @ValueSource(strings = {"HTTP/2 101 x\r\n\r\n", "HTTP/1.1 1O1 x\r\n\r\n", "HTTP/1.1 101x\r\n\r\n",
            "HTTP/1.1 101 ok\r\nno colon\r\n\r\n", "HTTP/1.1 101 ok\r\nA: 1\r\n folded\r\n\r\n",
            "HTTP/1.1 101 ok\r\nBad Name: 1\r\n\r\n"})
    void rejectsMalformedHeads(String wire) {
        assertThatThrownBy(() -> ResponseHead.read(trickle(wire, 100), "handshake"))
                .isInstanceOf(ResponseHead.MalformedResponseException.class);
    }

    @Test
    void rejectsHeadsOverTheLimit() {
        String wire = "HTTP/1.1 200 OK\r\nX: " + "y".repeat(ResponseHead.MAX_HEAD_BYTES) + "\r\n\r\n";
        assertThatThrownBy(() -> ResponseHead.read(trickle(wire, 1000), "handshake"))
                .isInstanceOf(ResponseHead.MalformedResponseException.class)
                .hasMessageContaining("larger than 8192");
    }

    @Test
    void endOfStreamBeforeTheBlankLineIsAnEof() {
        assertThatThrownBy(() -> ResponseHead.read(trickle("HTTP/1.1 101 ok\r\nA: b\r\n", 4), "handshake"))
                .isInstanceOf(EOFException.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 1000})
    void errorBodyFramingIsHonoured(int chunk) throws Exception {
        NetConn lengthed = trickle("HTTP/1.1 403 Forbidden\r\nContent-Length: 4\r\n\r\nnope and more", chunk);
        assertThat(new String(ResponseBodyStart.read(lengthed, ResponseHead.read(lengthed, "h")), StandardCharsets.UTF_8)).isEqualTo("nope");

        NetConn chunked = trickle("HTTP/1.1 400 Bad\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\n\r\n", chunk);
        assertThat(new String(ResponseBodyStart.read(chunked, ResponseHead.read(chunked, "h")), StandardCharsets.UTF_8)).isEqualTo("abcde");

        NetConn untilClose = trickle("HTTP/1.0 500 Oops\r\n\r\nall of it", chunk);
        assertThat(new String(ResponseBodyStart.read(untilClose, ResponseHead.read(untilClose, "h")), StandardCharsets.UTF_8)).isEqualTo("all of it");

        NetConn noBody = trickle("HTTP/1.1 304 Not Modified\r\n\r\nignored", chunk);
        assertThat(ResponseBodyStart.read(noBody, ResponseHead.read(noBody, "h"))).isEmpty();
    }
}
