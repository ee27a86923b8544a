package dev.conduit.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The suite's own judge must be able to say no: scripted sides that break one rule each (no pong,
 * masked server frames, a 1-byte close, reserved bits, no TCP close, data after the close) are
 * caught by {@link RawPeer} and {@link Received#differences}.
 */
class RawPeerSelfTest {

    /**
     * @param reply the hex bytes the broken server sends after the handshake (it then closes the
     *              TCP connection unless {@code keepOpen})
     * @param keepOpen whether the broken server keeps the connection open
     * @param expectedDifference a fragment of the difference the judge must report
     */
    @ParameterizedTest(name = "{3}")
    @CsvSource(delimiter = '|', value = {
        "880203e8          | false | pongs [], expected | no pong to a ping",
        "8a80000000008802 03e8 | false | a server sent a masked frame | masked server frame",
        "880103            | false | 1-byte payload | close with a 1-byte payload",
        "c802 03e8         | false | reserved bits | RSV1 on the close",
        "880203e8          | true  | TCP connection not closed | no TCP close after the close",
        "880203e8 8100     | false | after the close frame | data after the close",
        "8100 880203e8     | false | messages [text(0 B )], expected [] | an echo nobody sent",
    })
    void theJudgeCatchesABrokenSide(String reply, boolean keepOpen, String expectedDifference, String title) throws Exception {
        byte[] bytes = HexFormat.of().parseHex(reply.replace(" ", ""));
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> broken = CompletableFuture.runAsync(() -> {
                try (Socket s = server.accept()) {
                    InputStream in = new BufferedInputStream(s.getInputStream());
                    RawClient.Response request = RawClient.readHead(in);
                    OutputStream out = s.getOutputStream();
                    out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                            + "Sec-WebSocket-Accept: " + RawClient.accept(request.header("Sec-WebSocket-Key")) + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.write(bytes);
                    out.flush();
                    if (keepOpen) {
                        Thread.sleep(2_000);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Socket socket = RawClient.connect(server.getLocalPort());
            InputStream in = RawClient.upgrade(socket, server.getLocalPort(), "/");
            ConformanceCase ping = new ConformanceCase("2.1", "ping", List.of(WireFrame.of(true, WireFrame.PING, new byte[] {1})),
                    ConformanceCase.Write.ONE_WRITE, false,
                    Expected.close(1000, List.of(), List.of(new byte[] {1})));
            Received r = new RawPeer(socket, in, true).run(ping, 1_000);
            List<String> differences = r.differences(ping.expected());
            assertThat(differences).as("differences").anyMatch(d -> d.contains(expectedDifference));
            broken.get(10, TimeUnit.SECONDS);
        }
    }
}
