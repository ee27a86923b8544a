package dev.conduit.example;

import dev.conduit.websocket.Conn;
import dev.conduit.websocket.Message;
import dev.conduit.websocket.WebSocket;
import dev.conduit.websocket.spring.annotation.WebSocketEndpoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * {@code /ticker}: gorilla's handleConnection, one reader and one writer at once. A reader thread
 * logs what the client sends; the handler's own thread writes "ping" every
 * {@code example.ticker-period} until a write fails or the reader ends.
 */
@Component
public class TickerEndpoint {
    private static final Logger log = LoggerFactory.getLogger(TickerEndpoint.class);
    private static final byte[] PING = "ping".getBytes(StandardCharsets.UTF_8);

    private final long periodMillis;

    /** @param properties the timings */
    public TickerEndpoint(ExampleProperties properties) {
        this.periodMillis = properties.tickerPeriod().toMillis();
    }

    /**
     * @param conn the connection
     * @throws IOException when a write fails
     * @throws InterruptedException if the thread is interrupted
     */
    @WebSocketEndpoint("/ticker")
    public void ticker(Conn conn) throws IOException, InterruptedException {
        CountDownLatch readerDone = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try {
                while (true) {
                    Message message = conn.readMessage();
                    log.debug("Received: {}", message.text());
                }
            } catch (IOException e) {
                log.debug("Read error: {}", e.toString());
            } finally {
                readerDone.countDown();
            }
        }, "ticker-reader");
        reader.setDaemon(true);
        reader.start();
        // Like Go's select over the ticker and a done channel: stop as soon as the reader ends.
        while (!readerDone.await(periodMillis, TimeUnit.MILLISECONDS)) {
            conn.writeMessage(WebSocket.TEXT_MESSAGE, PING);
        }
    }
}
