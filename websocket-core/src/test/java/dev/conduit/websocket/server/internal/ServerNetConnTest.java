package dev.conduit.websocket.server.internal;

import dev.conduit.websocket.server.RawHttp;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The transport alone, over a real Tomcat upgrade. The read side here: read-ahead bytes, deadlines,
 * EOF, a close or an interrupt from another thread, a burst while the handler is busy; the write
 * side comes from {@link ServerNetConnWriteTests}. The subclasses run both on the other transports.
 */
class ServerNetConnTest extends ServerNetConnWriteTests {
    @Test
    void theChannelIsTakenFromTomcatsPollerAndReadAheadBytesComeFirst() throws Exception {
        scenario = net -> {
            try {
                byte[] b = new byte[10];
                int n = 0;
                while (n < 10) {
                    n += net.read(b, n, 10 - n);
                }
                events.add(new String(b, StandardCharsets.UTF_8));
                write(net, "ok\n");
            } catch (IOException e) {
                events.add(e);
            }
        };
        // The first bytes travel with the upgrade request, so Tomcat has read them before init().
        RawHttp r = RawHttp.exchange(server.port(),
                "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: test\r\nConnection: Upgrade\r\n\r\nearly");
        try (Socket s = r.socket) {
            assertThat(r.status).isEqualTo(101);
            Thread.sleep(200);
            s.getOutputStream().write("later".getBytes(StandardCharsets.UTF_8));
            assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("earlylater");
            assertThat(readLine(s.getInputStream())).isEqualTo("ok");
            assertThat(lastChannelTaken).isEqualTo(expectChannelTaken());
            assertThat(lastTransport).isEqualTo(expectedTransport());
        }
    }

    @Test
    void readDeadlineFailsTheReadAndWritesStillWork() throws Exception {
        assumeSocketTimeouts();
        scenario = net -> {
            try {
                net.setReadDeadline(Instant.now().plusMillis(300));
                net.read(new byte[16], 0, 16);
                events.add("read returned");
            } catch (IOException e) {
                events.add(e);
                write(net, "still writable\n");
            }
        };
        try (Socket s = connect()) {
            assertThat(events.poll(10, TimeUnit.SECONDS)).isInstanceOf(SocketTimeoutException.class);
            assertThat(readLine(s.getInputStream())).isEqualTo("still writable");
            assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("init returned");
            assertThat(s.getInputStream().read()).as("socket closed after init returned").isEqualTo(-1);
        }
    }

    /**
     * A read deadline counts from the read, however long the connection has been busy before. On
     * Tomcat, reads that went straight to the socket leave the container's last-read stamp behind,
     * and its poller times a blocked read out from that stamp: a 2 s deadline set after 2.4 s of
     * direct reads would fail within a second, before the data the peer sends after 1.2 s.
     */
    @Test
    void aReadDeadlineCountsFromTheReadAfterALongBusyStretch() throws Exception {
        assumeSocketTimeouts();
        int total = 64 * 1024;
        scenario = net -> {
            try {
                byte[] b = new byte[4096];
                int got = 0;
                while (got < total) {
                    got += net.read(b, 0, b.length);
                    Thread.sleep(150); // 17 reads: about 2.5 s of reading without waiting
                }
                events.add("read " + got);
                net.setReadDeadline(Instant.now().plusSeconds(2));
                int n = net.read(b, 0, b.length);
                events.add(new String(b, 0, n, StandardCharsets.UTF_8));
            } catch (IOException | InterruptedException e) {
                events.add(e);
            }
        };
        try (Socket s = connect()) {
            s.getOutputStream().write(new byte[total]); // all of it in the socket buffers at once
            assertThat(events.poll(20, TimeUnit.SECONDS)).isEqualTo("read " + total);
            Thread.sleep(1200);
            s.getOutputStream().write("z".getBytes(StandardCharsets.UTF_8));
            assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("z");
        }
    }

    @Test
    void aPassedDeadlineFailsAtOnceAndClearingItRestoresBlockingReads() throws Exception {
        scenario = net -> {
            try {
                net.setReadDeadline(Instant.now().minusSeconds(1));
                try {
                    net.read(new byte[4], 0, 4);
                } catch (SocketTimeoutException e) {
                    events.add("timed out before reading");
                }
                net.setReadDeadline(null);
                byte[] b = new byte[5];
                int n = net.read(b, 0, 5);
                events.add(new String(b, 0, n, StandardCharsets.UTF_8));
            } catch (IOException e) {
                events.add(e);
            }
        };
        try (Socket s = connect()) {
            assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("timed out before reading");
            Thread.sleep(300); // the read without deadline must wait for the data
            s.getOutputStream().write("hello".getBytes(StandardCharsets.UTF_8));
            assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("hello");
        }
    }

    @Test
    void peerFinIsEndOfStream() throws Exception {
        scenario = net -> {
            try {
                events.add(net.read(new byte[8], 0, 8));
            } catch (IOException e) {
                events.add(e);
            }
        };
        try (Socket s = connect()) {
            s.shutdownOutput();
            assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo(-1);
        }
    }

    @Test
    void closeFromAnotherThreadWakesTheReaderAndEndsTheConnection() throws Exception {
        CompletableFuture<ServerNetConn> opened = new CompletableFuture<>();
        scenario = net -> {
            opened.complete(net);
            try {
                events.add(net.read(new byte[8], 0, 8));
            } catch (IOException e) {
                events.add(e);
            }
        };
        try (Socket s = connect()) {
            ServerNetConn net = opened.get(10, TimeUnit.SECONDS);
            Thread.sleep(200); // let the reader block
            net.close();
            assertThat(events.poll(10, TimeUnit.SECONDS)).isInstanceOf(SocketException.class);
            assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("init returned");
            s.setSoTimeout(5000);
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
    }

    /**
     * The peer sends 2 MiB while the handler is busy: with the read loop it is staged, the loop
     * stops reading when the staging buffer is full and resumes as the handler drains it; every
     * byte arrives once and in order. Once the handler waits again, nothing is staged (an idle
     * connection holds no staging buffer).
     */
    @Test
    void aBurstWhileTheHandlerIsBusyArrivesWholeAndInOrder() throws Exception {
        int total = 2 * 1024 * 1024;
        scenario = net -> {
            try {
                Thread.sleep(500);
                byte[] b = new byte[4096];
                long got = 0;
                long wrong = -1;
                while (got < total) {
                    int n = net.read(b, 0, (int) Math.min(b.length, total - got));
                    if (n < 0) {
                        throw new IOException("end after " + got);
                    }
                    for (int i = 0; i < n && wrong < 0; i++) {
                        if (b[i] != patternAt(got + i)) {
                            wrong = got + i;
                        }
                    }
                    got += n;
                }
                events.add(wrong < 0 ? "read " + got : "wrong byte at " + wrong);
                int n = net.read(b, 0, b.length);
                events.add(new String(b, 0, n, StandardCharsets.UTF_8));
                events.add(net instanceof ReadLoopNetConn taken && taken.holdsStaging() ? "staging held while idle" : "nothing staged");
            } catch (IOException | InterruptedException e) {
                events.add(e);
            }
        };
        try (Socket s = connect()) {
            byte[] all = new byte[total];
            for (int i = 0; i < total; i++) {
                all[i] = patternAt(i);
            }
            s.getOutputStream().write(all);
            assertThat(events.poll(20, TimeUnit.SECONDS)).isEqualTo("read " + total);
            Thread.sleep(300); // the handler waits in its read
            s.getOutputStream().write("x".getBytes(StandardCharsets.UTF_8));
            assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("x");
            assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("nothing staged");
        }
    }

    /**
     * On the taken channel an interrupt ends a waiting read as it ends a JDK channel's: the
     * connection is closed and the peer sees its end. (Tomcat's and Undertow's blocking reads
     * ignore interrupts, so this is the taken channel's behaviour only.)
     */
    @Test
    void interruptingAWaitingReaderClosesTheConnection() throws Exception {
        assumeTrue(expectChannelTaken(), "the container's own blocking read ignores interrupts");
        CompletableFuture<Thread> readerThread = new CompletableFuture<>();
        scenario = net -> {
            readerThread.complete(Thread.currentThread());
            try {
                events.add(net.read(new byte[8], 0, 8));
            } catch (IOException e) {
                events.add(e);
                events.add(Thread.interrupted() ? "interrupt status kept" : "interrupt status lost");
            }
        };
        try (Socket s = connect()) {
            Thread reader = readerThread.get(10, TimeUnit.SECONDS);
            Thread.sleep(200); // let the reader wait
            reader.interrupt();
            assertThat(events.poll(10, TimeUnit.SECONDS)).isInstanceOf(java.nio.channels.ClosedByInterruptException.class);
            assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("interrupt status kept");
            assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("init returned");
            s.setSoTimeout(5000);
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
    }
}
