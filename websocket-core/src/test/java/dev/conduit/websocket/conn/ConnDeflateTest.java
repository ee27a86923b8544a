package dev.conduit.websocket.conn;

import static dev.conduit.websocket.WebSocket.BINARY_MESSAGE;
import static dev.conduit.websocket.WebSocket.TEXT_MESSAGE;
import static dev.conduit.websocket.conn.ConnReadTest.closeCodeSent;
import static dev.conduit.websocket.conn.ConnReadTest.concat;
import static dev.conduit.websocket.conn.ConnReadTest.frame;
import static dev.conduit.websocket.conn.ConnReadTest.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conduit.websocket.Conn;
import dev.conduit.websocket.Message;
import dev.conduit.websocket.MessageReader;
import dev.conduit.websocket.PreparedMessage;
import dev.conduit.websocket.ProtocolException;
import dev.conduit.websocket.ReadLimitException;
import dev.conduit.websocket.compression.MessageDeflater;
import dev.conduit.websocket.compression.MessageInflater;
import dev.conduit.websocket.compression.PerMessageDeflateParams;
import dev.conduit.websocket.frame.Opcode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** permessage-deflate on real connections: the wire form, RSV1 rules, limits and both modes. */
class ConnDeflateTest {
    private static final PerMessageDeflateParams TAKEOVER = PerMessageDeflateParams.of(false, false);
    private static final PerMessageDeflateParams NO_TAKEOVER = PerMessageDeflateParams.of(true, true);

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    private static Loopback.Raw server(PerMessageDeflateParams params) throws IOException {
        return Loopback.raw(ConnSettings.server().compression(params));
    }

    // ---- reading -----------------------------------------------------------------------------

    @Test
    void readsTheRfcHelloInOneAndInTwoFrames() throws IOException {
        try (Loopback.Raw raw = server(TAKEOVER)) {
            raw.send(frame(true, true, Opcode.TEXT, hex("f2 48 cd c9 c9 07 00")));
            assertThat(raw.conn().readMessage().text()).isEqualTo("Hello");
            // §7.2.3.2: with context takeover the second Hello refers to the first.
            raw.send(frame(true, true, Opcode.TEXT, hex("f2 00 11 00 00")));
            assertThat(raw.conn().readMessage().text()).isEqualTo("Hello");
            // §7.2.3.1: one compressed message in two frames, RSV1 on the first only.
            raw.send(concat(frame(false, true, Opcode.TEXT, hex("f2 48 cd")), frame(true, false, Opcode.CONTINUATION, hex("c9 c9 07 00"))));
            assertThat(raw.conn().readMessage().text()).isEqualTo("Hello");
            // §7.2.3.3 stored block, uncompressed messages in between.
            raw.send(frame(true, false, Opcode.TEXT, utf8("plain")));
            assertThat(raw.conn().readMessage().text()).isEqualTo("plain");
            raw.send(frame(true, true, Opcode.BINARY, hex("00 05 00 fa ff 48 65 6c 6c 6f 00")));
            Message m = raw.conn().readMessage();
            assertThat(m.messageType()).isEqualTo(BINARY_MESSAGE);
            assertThat(m.data()).isEqualTo(utf8("Hello"));
        }
    }

    @Test
    void controlFramesMayComeBetweenCompressedFragments() throws IOException {
        try (Loopback.Raw raw = server(NO_TAKEOVER)) {
            raw.send(concat(frame(false, true, Opcode.TEXT, hex("f2 48")), frame(true, false, Opcode.PING, utf8("p")),
                    frame(false, false, Opcode.CONTINUATION, new byte[0]), frame(true, false, Opcode.CONTINUATION, hex("cd c9 c9 07 00"))));
            assertThat(raw.conn().readMessage().text()).isEqualTo("Hello");
            assertThat(raw.receive(3)).containsExactly(0x8a, 0x01, 'p');
        }
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(textBlock = """
            RSV1 on a continuation frame, true
            RSV1 on a ping frame, true
            RSV1 without negotiation, false
            """)
    void misplacedRsv1Fails1002(String description, boolean negotiated) throws IOException {
        try (Loopback.Raw raw = negotiated ? server(TAKEOVER) : Loopback.raw(ConnSettings.server())) {
            if (description.contains("continuation")) {
                raw.send(concat(frame(false, true, Opcode.TEXT, hex("f2 48 cd")), frame(true, true, Opcode.CONTINUATION, hex("c9 c9 07 00"))));
            } else if (description.contains("ping")) {
                raw.send(frame(true, true, Opcode.PING, utf8("p")));
            } else {
                raw.send(frame(true, true, Opcode.TEXT, hex("f2 48 cd c9 c9 07 00")));
            }
            assertThatThrownBy(() -> raw.conn().readMessage())
                    .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.closeCode()).isEqualTo(1002));
            assertThat(closeCodeSent(raw)).isEqualTo(1002);
        }
    }

    @Test
    void corruptCompressedDataFails1007() throws IOException {
        try (Loopback.Raw raw = server(TAKEOVER)) {
            raw.send(frame(true, true, Opcode.BINARY, hex("ff ff ff ff")));
            assertThatThrownBy(() -> raw.conn().readMessage())
                    .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.closeCode()).isEqualTo(1007));
            assertThat(closeCodeSent(raw)).isEqualTo(1007);
        }
    }

    @Test
    void invalidUtf8IsCheckedAfterInflating() throws IOException {
        byte[] bad = {'o', 'k', (byte) 0xc3, (byte) 0x28};
        try (Loopback.Raw raw = server(TAKEOVER); MessageDeflater d = new MessageDeflater(1, true)) {
            raw.send(frame(true, true, Opcode.TEXT, d.compress(bad, 0, bad.length)));
            assertThatThrownBy(() -> raw.conn().readMessage())
                    .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.closeCode()).isEqualTo(1007));
        }
    }

    @Test
    void decompressionBombClosesWith1009AtTheLimit() throws IOException {
        byte[] zeros = new byte[1 << 20];
        ByteArrayOutputStream bomb = new ByteArrayOutputStream();
        try (MessageDeflater d = new MessageDeflater(9, true)) {
            for (int i = 0; i < 64; i++) {
                d.write(zeros, 0, zeros.length, bomb::write);
            }
            d.finishMessage(bomb::write);
        }
        assertThat(bomb.size()).isLessThan(80 * 1024); // 64 MiB inflated
        try (Loopback.Raw raw = Loopback.raw(ConnSettings.server().compression(TAKEOVER).readLimit(1 << 20))) {
            raw.send(frame(true, true, Opcode.BINARY, bomb.toByteArray()));
            MessageReader r = raw.conn().nextReader();
            byte[] buf = new byte[8192];
            long read = 0;
            try {
                for (int n; (n = r.reader().read(buf)) >= 0;) {
                    read += n;
                }
                throw new AssertionError("read " + read + " bytes past the limit");
            } catch (ReadLimitException expected) {
                assertThat(read).isLessThanOrEqualTo(1 << 20);
            }
            assertThat(closeCodeSent(raw)).isEqualTo(1009);
            assertThatThrownBy(() -> raw.conn().readMessage()).isInstanceOf(ReadLimitException.class);
        }
    }

    @Test
    void withoutAReadLimitACompressedMessageIsStillBoundedByDefault() throws IOException {
        byte[] zeros = new byte[1 << 20];
        ByteArrayOutputStream bomb = new ByteArrayOutputStream();
        try (MessageDeflater d = new MessageDeflater(9, true)) {
            for (int i = 0; i < 64; i++) {
                d.write(zeros, 0, zeros.length, bomb::write);
            }
            d.finishMessage(bomb::write);
        }
        try (Loopback.Raw raw = Loopback.raw(ConnSettings.server().compression(TAKEOVER))) {
            raw.send(frame(true, true, Opcode.BINARY, bomb.toByteArray()));
            MessageReader r = raw.conn().nextReader();
            byte[] buf = new byte[8192];
            long read = 0;
            try {
                for (int n; (n = r.reader().read(buf)) >= 0;) {
                    read += n;
                }
                throw new AssertionError("read " + read + " bytes of a 64 MiB bomb with no read limit set");
            } catch (ReadLimitException expected) {
                assertThat(read).isLessThanOrEqualTo(ConnSettings.DEFAULT_INFLATED_LIMIT);
            }
            assertThat(closeCodeSent(raw)).isEqualTo(1009);
        }
    }

    @Test
    void aMessageJustUnderTheLimitPassesAlthoughIncompressible() throws IOException {
        byte[] random = new byte[100_000];
        new Random(3).nextBytes(random);
        try (Loopback.Raw raw = Loopback.raw(ConnSettings.server().compression(TAKEOVER).readLimit(random.length));
                MessageDeflater d = new MessageDeflater(9, true)) {
            byte[] z = d.compress(random, 0, random.length);
            assertThat(z.length).isGreaterThan(random.length); // stored blocks: a little larger
            raw.send(frame(true, true, Opcode.BINARY, z));
            assertThat(raw.conn().readMessage().data()).isEqualTo(random);
        }
    }

    // ---- writing -----------------------------------------------------------------------------

    @Test
    void writesHelloAsTheRfcBytesWithRsv1() throws IOException {
        try (Loopback.Raw raw = server(TAKEOVER)) {
            raw.conn().writeMessage(TEXT_MESSAGE, utf8("Hello"));
            assertThat(raw.receive(9)).isEqualTo(hex("c1 07 f2 48 cd c9 c9 07 00"));
            raw.conn().writeMessage(TEXT_MESSAGE, utf8("Hello"));
            assertThat(raw.receive(7)).isEqualTo(hex("c1 05 f2 00 11 00 00"));
            raw.conn().writeMessage(TEXT_MESSAGE, new byte[0]);
            assertThat(raw.receive(3)).isEqualTo(hex("c1 01 00"));
            raw.conn().writeMessage(dev.conduit.websocket.WebSocket.PING_MESSAGE, utf8("Hello"));
            assertThat(raw.receive(7)).isEqualTo(hex("89 05 48 65 6c 6c 6f"));
        }
    }

    @Test
    void switchesLevelAndMinimumSize() throws IOException {
        try (Loopback.Raw raw = Loopback.raw(ConnSettings.server().compression(NO_TAKEOVER).compressionMinSize(6))) {
            raw.conn().writeMessage(TEXT_MESSAGE, utf8("Hello")); // 5 < 6: sent as is
            assertThat(raw.receive(7)).isEqualTo(hex("81 05 48 65 6c 6c 6f"));
            raw.conn().writeMessage(TEXT_MESSAGE, utf8("Hello!"));
            assertThat(raw.receiveFrame()[0] & 0xff).isEqualTo(0xc1);
            raw.conn().setCompressionLevel(0);
            raw.conn().writeMessage(BINARY_MESSAGE, utf8("Hello!"));
            assertThat(raw.receiveFrame()).isEqualTo(hex("c2 00 06 00 f9 ff 48 65 6c 6c 6f 21 00"));
            raw.conn().enableWriteCompression(false);
            raw.conn().writeMessage(TEXT_MESSAGE, utf8("Hello!"));
            assertThat(raw.receiveFrame()[0] & 0xff).isEqualTo(0x81);
            assertThatThrownBy(() -> raw.conn().setCompressionLevel(10)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void streamedMessageHasRsv1OnTheFirstFrameOnly() throws IOException {
        byte[] random = new byte[20_000];
        new Random(5).nextBytes(random);
        try (Loopback.Raw raw = Loopback.raw(ConnSettings.server().compression(TAKEOVER).writeBufferSize(4096))) {
            try (OutputStream w = raw.conn().nextWriter(BINARY_MESSAGE)) {
                w.write(random, 0, 10_000);
                w.write(random, 10_000, 10_000);
            }
            ByteArrayOutputStream payload = new ByteArrayOutputStream();
            byte[] f = raw.receiveFrame();
            assertThat(f[0] & 0xff).isEqualTo(0x42); // RSV1, binary, not FIN
            payload.write(f, 1, f.length - 1);
            while (true) {
                f = raw.receiveFrame();
                assertThat(f[0] & 0x70).as("no RSV bit on a continuation").isZero();
                assertThat(f[0] & 0x0f).isZero();
                payload.write(f, 1, f.length - 1);
                if ((f[0] & 0x80) != 0) {
                    break;
                }
            }
            try (MessageInflater inflater = new MessageInflater(false)) {
                assertThat(inflater.inflate(payload.toByteArray(), 0)).isEqualTo(random);
            }
        }
    }

    // ---- both ends ours ----------------------------------------------------------------------

    @ParameterizedTest(name = "server no takeover {0}, client no takeover {1}")
    @CsvSource({"false, false", "true, true", "true, false", "false, true"})
    void conversationInEveryMode(boolean serverNoTakeover, boolean clientNoTakeover) throws Exception {
        PerMessageDeflateParams p = PerMessageDeflateParams.of(serverNoTakeover, clientNoTakeover);
        Conn[] pair = Loopback.connPair(ConnSettings.server().compression(p).compressionLevel(-2),
                ConnSettings.client().compression(p).compressionLevel(9));
        Conn server = pair[0];
        Conn client = pair[1];
        try {
            Random r = new Random(11);
            for (int i = 0; i < 30; i++) {
                byte[] m = new byte[r.nextInt(3) == 0 ? r.nextInt(50_000) : r.nextInt(300)];
                for (int j = 0; j < m.length; j++) {
                    m[j] = (byte) ('a' + r.nextInt(i % 2 == 0 ? 3 : 26));
                }
                // client -> server, streamed or whole
                if (i % 3 == 0) {
                    try (OutputStream w = client.nextWriter(TEXT_MESSAGE)) {
                        w.write(m, 0, m.length / 2);
                        w.write(m, m.length / 2, m.length - m.length / 2);
                    }
                } else {
                    client.writeMessage(TEXT_MESSAGE, m);
                }
                assertThat(server.readMessage().data()).isEqualTo(m);
                // server -> client, and every few messages one the client abandons half read
                server.writeMessage(BINARY_MESSAGE, m);
                if (i % 4 == 1 && m.length > 10) {
                    MessageReader half = client.nextReader();
                    assertThat(half.reader().readNBytes(5)).isEqualTo(java.util.Arrays.copyOf(m, 5));
                    server.writeMessage(BINARY_MESSAGE, m); // decodes only if the abandoned rest was inflated
                }
                assertThat(client.readMessage().data()).isEqualTo(m);
            }
        } finally {
            server.close();
            client.close();
        }
    }

    @Test
    void preparedMessageIsCompressedOnceWithoutTakeoverAndPerConnectionWithIt() throws Exception {
        PreparedMessage pm = new PreparedMessage(TEXT_MESSAGE, utf8("Hello"));
        try (Loopback.Raw a = server(NO_TAKEOVER); Loopback.Raw b = server(NO_TAKEOVER); Loopback.Raw t = server(TAKEOVER)) {
            a.conn().writeMessage(TEXT_MESSAGE, utf8("Hello"));
            a.conn().writePreparedMessage(pm);
            b.conn().writePreparedMessage(pm);
            assertThat(a.receive(18)).isEqualTo(hex("c1 07 f2 48 cd c9 c9 07 00 c1 07 f2 48 cd c9 c9 07 00"));
            assertThat(b.receive(9)).isEqualTo(hex("c1 07 f2 48 cd c9 c9 07 00"));
            // With context takeover the prepared message continues this connection's stream.
            t.conn().writeMessage(TEXT_MESSAGE, utf8("Hello"));
            t.conn().writePreparedMessage(pm);
            assertThat(t.receive(16)).isEqualTo(hex("c1 07 f2 48 cd c9 c9 07 00 c1 05 f2 00 11 00 00"));
            a.conn().enableWriteCompression(false);
            a.conn().writePreparedMessage(pm);
            assertThat(a.receive(7)).isEqualTo(hex("81 05 48 65 6c 6c 6f"));
        }
    }

    @Test
    void preparedMessageFromCompressedClients() throws Exception {
        PreparedMessage pm = new PreparedMessage(BINARY_MESSAGE, utf8("Hello Hello Hello"));
        for (PerMessageDeflateParams p : new PerMessageDeflateParams[] {TAKEOVER, NO_TAKEOVER}) {
            Conn[] pair = Loopback.connPair(ConnSettings.server().compression(p), ConnSettings.client().compression(p));
            try {
                CompletableFuture<Void> writes = CompletableFuture.runAsync(() -> {
                    try {
                        pair[1].writePreparedMessage(pm);
                        pair[1].writePreparedMessage(pm);
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                });
                assertThat(pair[0].readMessage().data()).isEqualTo(utf8("Hello Hello Hello"));
                assertThat(pair[0].readMessage().data()).isEqualTo(utf8("Hello Hello Hello"));
                writes.get();
            } finally {
                pair[0].close();
                pair[1].close();
            }
        }
    }

    @Test
    void closedConnectionFailsWritesCleanly() throws IOException {
        Loopback.Raw raw = server(TAKEOVER);
        raw.conn().writeMessage(TEXT_MESSAGE, utf8("Hello"));
        raw.close();
        assertThatThrownBy(() -> raw.conn().writeMessage(TEXT_MESSAGE, utf8("Hello"))).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> {
            try (OutputStream w = raw.conn().nextWriter(TEXT_MESSAGE)) {
                w.write(utf8("Hello"));
            }
        }).isInstanceOfAny(IOException.class, IllegalStateException.class);
    }
}
