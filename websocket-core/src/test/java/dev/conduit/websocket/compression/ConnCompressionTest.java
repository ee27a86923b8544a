package dev.conduit.websocket.compression;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conduit.websocket.ProtocolException;
import dev.conduit.websocket.WebSocket;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class ConnCompressionTest {
    @Test
    void rsv1WithoutNegotiationIsAProtocolError() throws ProtocolException {
        assertThatThrownBy(() -> ConnCompression.isCompressedMessage(true, null))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.closeCode()).isEqualTo(1002));
        assertThat(ConnCompression.isCompressedMessage(false, null)).isFalse();
        try (ConnCompression c = new ConnCompression(PerMessageDeflateParams.of(false, false), true)) {
            assertThat(ConnCompression.isCompressedMessage(true, c)).isTrue();
            assertThat(ConnCompression.isCompressedMessage(false, c)).isFalse();
        }
    }

    @Test
    void rsv1OnContinuationOrControlFramesIsAProtocolError() throws ProtocolException {
        for (int opcode : new int[] {0, 8, 9, 10}) {
            assertThatThrownBy(() -> ConnCompression.checkNoRsv1(true, opcode))
                    .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.closeCode()).isEqualTo(1002));
            ConnCompression.checkNoRsv1(false, opcode);
        }
    }

    @Test
    void whatGoesOutCompressed() {
        try (ConnCompression c = new ConnCompression(PerMessageDeflateParams.of(false, false), false)) {
            assertThat(c.compressOutgoing(WebSocket.TEXT_MESSAGE, 0)).isTrue();
            assertThat(c.compressOutgoing(WebSocket.BINARY_MESSAGE, -1)).isTrue();
            assertThat(c.compressOutgoing(WebSocket.PING_MESSAGE, 10)).isFalse();
            assertThat(c.compressOutgoing(WebSocket.CLOSE_MESSAGE, 10)).isFalse();
            c.setMinSize(64);
            assertThat(c.compressOutgoing(WebSocket.TEXT_MESSAGE, 63)).isFalse();
            assertThat(c.compressOutgoing(WebSocket.TEXT_MESSAGE, 64)).isTrue();
            assertThat(c.compressOutgoing(WebSocket.TEXT_MESSAGE, -1)).isTrue();
            c.enableWriteCompression(false);
            assertThat(c.compressOutgoing(WebSocket.TEXT_MESSAGE, 1000)).isFalse();
            assertThatThrownBy(() -> c.setLevel(10)).hasMessage("websocket: invalid compression level");
            assertThatThrownBy(() -> c.setMinSize(-1)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void eachSideGetsTheContextModeTheParamsGiveIt() {
        PerMessageDeflateParams p = PerMessageDeflateParams.of(true, false);
        try (ConnCompression server = new ConnCompression(p, true); ConnCompression client = new ConnCompression(p, false)) {
            assertThat(server.deflater().noContextTakeover()).isTrue();
            assertThat(server.inflater().noContextTakeover()).isFalse();
            assertThat(server.sendsStandaloneMessages()).isTrue();
            assertThat(client.deflater().noContextTakeover()).isFalse();
            assertThat(client.inflater().noContextTakeover()).isTrue();
            assertThat(client.sendsStandaloneMessages()).isFalse();
        }
    }

    @Test
    void clientAndServerTalkInBothModes() throws IOException {
        for (PerMessageDeflateParams p : new PerMessageDeflateParams[] {PerMessageDeflateParams.of(false, false),
                PerMessageDeflateParams.of(true, true), PerMessageDeflateParams.of(true, false)}) {
            try (ConnCompression server = new ConnCompression(p, true); ConnCompression client = new ConnCompression(p, false)) {
                for (int i = 0; i < 5; i++) {
                    byte[] m = ("message " + i + " to the server, ").repeat(i * 10).getBytes(UTF_8);
                    ByteArrayOutputStream wire = new ByteArrayOutputStream();
                    client.setLevel(i - 1);
                    client.deflater().write(m, 0, m.length, wire::write);
                    client.deflater().finishMessage(wire::write);
                    try (InputStream in = server.inflater().newMessage(new ByteArrayInputStream(wire.toByteArray()), 0)) {
                        assertThat(in.readAllBytes()).isEqualTo(m);
                    }
                    byte[] standalone = ConnCompression.compressStandalone(m, 1);
                    assertThat(client.inflater().inflate(standalone, 0)).isEqualTo(m);
                }
            }
        }
    }

    @Test
    void levelIsTakenFromTheConnection() {
        try (ConnCompression c = new ConnCompression(PerMessageDeflateParams.of(false, false), true)) {
            c.setLevel(7);
            assertThat(c.deflater().level()).isEqualTo(7);
            c.setLevel(-2);
            assertThat(c.deflater().level()).isEqualTo(-2);
        }
    }

    @Test
    void closeEndsBothSides() {
        ConnCompression c = new ConnCompression(PerMessageDeflateParams.of(false, false), true);
        MessageDeflater d = c.deflater();
        MessageInflater i = c.inflater();
        c.close();
        assertThatThrownBy(() -> d.compress(new byte[1], 0, 1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> i.newMessage(InputStream.nullInputStream(), 0)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(c::deflater).isInstanceOf(IllegalStateException.class);
    }
}
