package dev.conduit.websocket.compression.probe;

import dev.conduit.websocket.Conn;
import dev.conduit.websocket.NetConn;
import dev.conduit.websocket.PreparedMessage;
import dev.conduit.websocket.WebSocket;
import dev.conduit.websocket.compression.MessageInflater;
import dev.conduit.websocket.compression.PerMessageDeflateParams;
import dev.conduit.websocket.conn.ConnSettings;
import dev.conduit.websocket.conn.WebSocketConn;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Not a unit test: a measurement of what compression costs and saves, through the real writer of
 * a server-side Conn over a transport that only counts bytes (no socket, so only our CPU counts).
 *
 * <ol>
 * <li>A stream of ~4 KiB JSON chat messages (similar, not identical): bytes on the wire and CPU
 * per message to send, and to receive (inflate), with compression off, without and with context
 * takeover.</li>
 * <li>A broadcast of one such message to 1,000 compressed connections, with and without
 * {@link PreparedMessage}.</li>
 * </ol>
 *
 * <pre>java -cp target/classes:target/test-classes:$(jackson jars) dev.conduit.websocket.compression.probe.CompressionCostProbe</pre>
 */
public final class CompressionCostProbe {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private CompressionCostProbe() {
    }

    /** A transport that swallows writes and counts them. */
    static final class CountingNetConn implements NetConn {
        long written;
        ByteArrayOutputStream keep;

        @Override
        public int read(byte[] b, int off, int len) {
            return -1;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            written += len;
            if (keep != null) {
                keep.write(b, off, len);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void setReadDeadline(Instant deadline) {
        }

        @Override
        public void setWriteDeadline(Instant deadline) {
        }

        @Override
        public SocketAddress localAddress() {
            return new InetSocketAddress(0);
        }

        @Override
        public SocketAddress remoteAddress() {
            return new InetSocketAddress(0);
        }

        @Override
        public void close() {
        }
    }

    static List<byte[]> chatMessages(int count) {
        Random r = new Random(42);
        String[] users = {"ann", "bob", "carla", "dmitri", "eve", "farid", "gao", "hana"};
        String[] words = ("the quick brown fox jumps over a lazy dog while we deploy the new release tonight "
                + "please review my pull request before lunch coffee meeting moved to three o'clock").split(" ");
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            StringBuilder b = new StringBuilder("{\"room\":\"general\",\"messages\":[");
            int n = 0;
            while (b.length() < 4000) {
                if (n++ > 0) {
                    b.append(',');
                }
                b.append("{\"id\":").append(1_000_000 + r.nextInt(9_000_000))
                        .append(",\"user\":\"").append(users[r.nextInt(users.length)])
                        .append("\",\"ts\":").append(1_764_000_000_000L + r.nextInt(1_000_000_000))
                        .append(",\"text\":\"");
                for (int w = 0, words2 = 3 + r.nextInt(12); w < words2; w++) {
                    b.append(words[r.nextInt(words.length)]).append(' ');
                }
                b.append("\"}");
            }
            b.append("]}");
            out.add(b.toString().getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    public static void main(String[] args) throws IOException {
        List<byte[]> messages = chatMessages(2_000);
        long raw = messages.stream().mapToLong(m -> m.length).sum();
        System.out.printf("%d chat messages, %.0f bytes on average%n", messages.size(), raw / (double) messages.size());
        System.out.println("mode                     level  wire bytes/msg  send CPU us/msg  receive CPU us/msg");
        for (int round = 0; round < 2; round++) { // the first round warms up the JIT
            boolean print = round == 1;
            stream("off", null, 1, messages, print);
            for (int level : new int[] {1, 6}) {
                stream("no context takeover", PerMessageDeflateParams.of(true, true), level, messages, print);
                stream("context takeover", PerMessageDeflateParams.of(false, false), level, messages, print);
            }
        }
        System.out.println();
        System.out.println("broadcast of one message to 1,000 connections (level 1)");
        for (int round = 0; round < 3; round++) {
            broadcast(messages.get(round), round == 2);
        }
    }

    private static void stream(String mode, PerMessageDeflateParams params, int level, List<byte[]> messages, boolean print)
            throws IOException {
        CountingNetConn net = new CountingNetConn();
        net.keep = new ByteArrayOutputStream();
        Conn conn = WebSocketConn.open(net, ConnSettings.server().compression(params).compressionLevel(level));
        long cpu = THREADS.getCurrentThreadCpuTime();
        for (byte[] m : messages) {
            conn.writeMessage(WebSocket.TEXT_MESSAGE, m);
        }
        long sendCpu = THREADS.getCurrentThreadCpuTime() - cpu;
        long receiveCpu = 0;
        if (params != null) {
            // Inflate what was sent (frame headers are 4 bytes each here: 126 + 16-bit length, unmasked).
            byte[] wire = net.keep.toByteArray();
            try (MessageInflater inflater = new MessageInflater(params.serverNoContextTakeover())) {
                int pos = 0;
                cpu = THREADS.getCurrentThreadCpuTime();
                while (pos < wire.length) {
                    int len = wire[pos + 1] & 0x7f;
                    int h = 2;
                    if (len == 126) {
                        len = (wire[pos + 2] & 0xff) << 8 | (wire[pos + 3] & 0xff);
                        h = 4;
                    }
                    byte[] payload = java.util.Arrays.copyOfRange(wire, pos + h, pos + h + len);
                    inflater.inflate(payload, 0);
                    pos += h + len;
                }
                receiveCpu = THREADS.getCurrentThreadCpuTime() - cpu;
            }
        }
        conn.close();
        if (print) {
            System.out.printf("%-24s %5s  %14.0f  %15.1f  %18s%n", mode, params == null ? "-" : Integer.toString(level),
                    net.written / (double) messages.size(), sendCpu / 1000.0 / messages.size(),
                    params == null ? "-" : String.format("%.1f", receiveCpu / 1000.0 / messages.size()));
        }
    }

    private static void broadcast(byte[] message, boolean print) throws IOException {
        for (String variant : new String[] {"writeMessage, no takeover", "PreparedMessage, no takeover",
                "writeMessage, takeover", "PreparedMessage, takeover"}) {
            boolean takeover = variant.endsWith(" takeover") && !variant.contains("no takeover");
            PerMessageDeflateParams params = PerMessageDeflateParams.of(!takeover, !takeover);
            List<Conn> conns = new ArrayList<>();
            List<CountingNetConn> nets = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                CountingNetConn net = new CountingNetConn();
                nets.add(net);
                conns.add(WebSocketConn.open(net, ConnSettings.server().compression(params)));
            }
            long cpu = THREADS.getCurrentThreadCpuTime();
            if (variant.startsWith("Prepared")) {
                PreparedMessage pm = new PreparedMessage(WebSocket.TEXT_MESSAGE, message);
                for (Conn c : conns) {
                    c.writePreparedMessage(pm);
                }
            } else {
                for (Conn c : conns) {
                    c.writeMessage(WebSocket.TEXT_MESSAGE, message);
                }
            }
            long used = THREADS.getCurrentThreadCpuTime() - cpu;
            long bytes = nets.stream().mapToLong(n -> n.written).sum();
            for (Conn c : conns) {
                c.close();
            }
            if (print) {
                System.out.printf("  %-30s CPU %7.2f ms total, wire %d bytes per connection%n", variant, used / 1e6, bytes / 1000);
            }
        }
    }
}
