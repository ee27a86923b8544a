package dev.conduit.websocket.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conduit.websocket.testing.SelfSignedCertificate;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SocketNetConn} over a TLS socket layered on a plain one, against a peer that stops
 * reading: the cases where closing a TLS socket could block behind a stuck write.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS) // a hang is the failure these tests look for
class SocketNetConnTlsTest {
    @TempDir
    static Path keys;
    private static SelfSignedCertificate cert;

    private SSLServerSocket server;
    private Socket raw;
    private SSLSocket tls;
    private Socket peer;
    private SocketNetConn conn;

    @BeforeAll
    static void certificate() throws Exception {
        cert = SelfSignedCertificate.generate(keys, "dns:localhost");
    }

    @BeforeEach
    void connect() throws Exception {
        server = (SSLServerSocket) cert.serverContext().getServerSocketFactory().createServerSocket(0, 1, InetAddress.getLoopbackAddress());
        CompletableFuture<Socket> accepted = CompletableFuture.supplyAsync(() -> {
            try {
                SSLSocket s = (SSLSocket) server.accept();
                s.setReceiveBufferSize(4096);
                s.startHandshake();
                return s; // and never read again
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        SSLContext client = cert.clientContext();
        raw = new Socket();
        raw.setSendBufferSize(4096);
        raw.connect(server.getLocalSocketAddress());
        tls = (SSLSocket) client.getSocketFactory().createSocket(raw, "localhost", server.getLocalPort(), true);
        tls.startHandshake();
        peer = accepted.get(30, TimeUnit.SECONDS);
        conn = new SocketNetConn(tls, raw);
    }

    @AfterEach
    void close() throws IOException {
        raw.close(); // never blocks, so a failed test cannot hang here
        conn.close();
        peer.close();
        server.close();
    }

    @Test
    void timedOutTlsWriteFailsAndClosesTheTransport() {
        byte[] big = new byte[32 * 1024 * 1024];
        // Generous: the deadline must not pass before the write starts on a busy machine.
        conn.setWriteDeadline(Instant.now().plusSeconds(2));
        assertThatThrownBy(() -> conn.write(big, 0, big.length))
                .isInstanceOf(SocketTimeoutException.class)
                .hasCauseInstanceOf(IOException.class);
        assertThat(raw.isClosed()).isTrue();
    }

    @Test
    void closeReturnsWhileAnotherThreadIsStuckWriting() throws Exception {
        byte[] big = new byte[32 * 1024 * 1024];
        CompletableFuture<Throwable> writer = CompletableFuture.supplyAsync(() -> {
            try {
                conn.write(big, 0, big.length); // no deadline: blocks until the socket is closed
                return null;
            } catch (Throwable e) {
                return e;
            }
        });
        // Let the writer fill the socket buffers and block (the peer never reads 32 MiB).
        Thread.sleep(500);
        assertThat(writer).isNotDone();
        CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> {
            try {
                conn.close();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }, runnable -> new Thread(runnable, "closer").start());
        closing.get(30, TimeUnit.SECONDS); // fails (TimeoutException) if close blocks behind the writer
        assertThat(writer.get(30, TimeUnit.SECONDS)).isInstanceOf(IOException.class);
        assertThat(raw.isClosed()).isTrue();
    }
}
