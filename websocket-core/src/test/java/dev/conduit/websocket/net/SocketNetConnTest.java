package dev.conduit.websocket.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link SocketNetConn} over a real loopback TCP connection. */
class SocketNetConnTest {
    private ServerSocket server;
    private Socket clientSocket;
    private Socket peer;
    private SocketNetConn conn;

    @BeforeEach
    void connect() throws IOException {
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        clientSocket = new Socket();
        // A small send buffer so that a peer that does not read blocks our writes quickly.
        clientSocket.setSendBufferSize(4096);
        clientSocket.connect(server.getLocalSocketAddress());
        peer = server.accept();
        peer.setReceiveBufferSize(4096);
        conn = new SocketNetConn(clientSocket);
    }

    @AfterEach
    void close() throws IOException {
        conn.close();
        peer.close();
        server.close();
    }

    @Test
    void readsAndWritesBytesBothWays() throws IOException {
        conn.write("hello".getBytes(StandardCharsets.US_ASCII), 0, 5);
        conn.flush();
        assertThat(peer.getInputStream().readNBytes(5)).isEqualTo("hello".getBytes(StandardCharsets.US_ASCII));

        peer.getOutputStream().write("world!".getBytes(StandardCharsets.US_ASCII));
        byte[] buf = new byte[16];
        int n = readFully(buf, 6);
        assertThat(new String(buf, 0, n, StandardCharsets.US_ASCII)).isEqualTo("world!");
    }

    /** @return the write system calls this thread has made ({@code /proc/thread-self/io}) */
    static long threadWriteCalls() throws IOException {
        for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/thread-self/io"))) {
            if (line.startsWith("syscw:")) {
                return Long.parseLong(line.substring(6).trim());
            }
        }
        throw new IllegalStateException("no syscw in /proc/thread-self/io");
    }

    /** The write contract: a frame's header and a small payload from two arrays leave in one write call. */
    @Test
    void aFrameFromTwoArraysLeavesInOneWriteCall() throws IOException {
        byte[] header = {(byte) 0x82, 0x05};
        byte[] payload = "xxhelloxx".getBytes(StandardCharsets.US_ASCII);
        long before = threadWriteCalls();
        conn.write(header, 0, 2, payload, 2, 5);
        conn.flush();
        assertThat(threadWriteCalls() - before).as("write system calls").isEqualTo(1);
        assertThat(peer.getInputStream().readNBytes(7)).containsExactly(0x82, 0x05, 'h', 'e', 'l', 'l', 'o');
    }

    @Test
    void writesTheRequestedSliceOnly() throws IOException {
        byte[] data = "xxabcxx".getBytes(StandardCharsets.US_ASCII);
        conn.write(data, 2, 3);
        conn.close();
        assertThat(peer.getInputStream().readAllBytes()).isEqualTo("abc".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void readReturnsMinusOneWhenThePeerCloses() throws IOException {
        peer.close();
        assertThat(conn.read(new byte[4], 0, 4)).isEqualTo(-1);
    }

    @Test
    void readDeadlineInThePastFailsWithoutReading() throws IOException {
        peer.getOutputStream().write(42);
        conn.setReadDeadline(Instant.now().minusSeconds(1));
        assertThatThrownBy(() -> conn.read(new byte[1], 0, 1)).isInstanceOf(SocketTimeoutException.class);

        // The byte was not consumed: clearing the deadline lets the next read have it.
        conn.setReadDeadline(null);
        byte[] one = new byte[1];
        assertThat(conn.read(one, 0, 1)).isEqualTo(1);
        assertThat(one[0]).isEqualTo((byte) 42);
    }

    @Test
    void readDeadlineInterruptsABlockedRead() throws IOException {
        conn.setReadDeadline(Instant.now().plusMillis(100));
        assertThatThrownBy(() -> conn.read(new byte[1], 0, 1)).isInstanceOf(SocketTimeoutException.class);
    }

    @Test
    void laterDeadlineAllowsAReadThatArrivesInTime() throws Exception {
        conn.setReadDeadline(Instant.now().plusSeconds(30));
        Thread writer = new Thread(() -> {
            try {
                Thread.sleep(50);
                peer.getOutputStream().write(7);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        writer.start();
        byte[] one = new byte[1];
        assertThat(conn.read(one, 0, 1)).isEqualTo(1);
        writer.join();
    }

    @Test
    void writeDeadlineInThePastFailsWithoutWritingAndKeepsTheTransport() throws IOException {
        conn.setWriteDeadline(Instant.now().minusSeconds(1));
        assertThatThrownBy(() -> conn.write(new byte[] {1}, 0, 1)).isInstanceOf(SocketTimeoutException.class);
        assertThatThrownBy(conn::flush).isInstanceOf(SocketTimeoutException.class);

        conn.setWriteDeadline(null);
        conn.write(new byte[] {2}, 0, 1);
        conn.flush();
        assertThat(peer.getInputStream().read()).isEqualTo(2);
    }

    @Test
    void writeBlockedPastItsDeadlineTimesOutAndBreaksTheTransport() throws IOException {
        byte[] big = new byte[64 * 1024 * 1024]; // far more than the socket buffers hold; the peer reads nothing
        // Generous: the deadline must not pass before the write starts on a busy machine.
        conn.setWriteDeadline(Instant.now().plusSeconds(2));
        assertThatThrownBy(() -> conn.write(big, 0, big.length))
                .isInstanceOf(SocketTimeoutException.class)
                .hasCauseInstanceOf(IOException.class);
        assertThat(clientSocket.isClosed()).isTrue();

        conn.setWriteDeadline(null);
        assertThatThrownBy(() -> conn.write(new byte[] {1}, 0, 1)).isInstanceOf(IOException.class);
    }

    @Test
    void writeThatFinishesBeforeItsDeadlineLeavesTheTransportOpen() throws IOException {
        conn.setWriteDeadline(Instant.now().plus(Duration.ofMinutes(1)));
        conn.write(new byte[] {9}, 0, 1);
        conn.flush();
        assertThat(peer.getInputStream().read()).isEqualTo(9);
        assertThat(clientSocket.isClosed()).isFalse();
    }

    @Test
    void addressesComeFromTheSocket() {
        assertThat(conn.localAddress()).isEqualTo(clientSocket.getLocalSocketAddress());
        assertThat(conn.remoteAddress()).isEqualTo(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()));
        assertThat(conn.socket()).isSameAs(clientSocket);
    }

    @Test
    void closeIsIdempotentAndEndsThePeersStream() throws IOException {
        conn.close();
        conn.close();
        assertThat(clientSocket.isClosed()).isTrue();
        InputStream in = peer.getInputStream();
        assertThat(in.read()).isEqualTo(-1);
    }

    @Test
    void closingALayeredConnClosesTheBottomSocket() throws IOException {
        // A socket layered over clientSocket, standing in for an SSLSocket.
        try (ServerSocket other = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket top = new Socket()) {
            top.connect(other.getLocalSocketAddress());
            try (Socket ignored = other.accept()) {
                SocketNetConn layered = new SocketNetConn(top, clientSocket);
                layered.close();
                assertThat(top.isClosed()).isTrue();
                assertThat(clientSocket.isClosed()).isTrue();
            }
        }
    }

    @Test
    void readsFromOneThreadWhileAnotherWrites() throws Exception {
        OutputStream peerOut = peer.getOutputStream();
        Thread reader = new Thread(() -> {
            try {
                byte[] buf = new byte[3];
                readFully(buf, 3);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        reader.start();
        conn.write(new byte[] {1, 2, 3}, 0, 3);
        peerOut.write(new byte[] {4, 5, 6});
        reader.join();
        assertThat(peer.getInputStream().readNBytes(3)).containsExactly(1, 2, 3);
    }

    private int readFully(byte[] buf, int want) throws IOException {
        int total = 0;
        while (total < want) {
            int n = conn.read(buf, total, want - total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }
}
