package dev.conduit.websocket.conn;

import static dev.conduit.websocket.WebSocket.CLOSE_NORMAL_CLOSURE;
import static dev.conduit.websocket.WebSocket.TEXT_MESSAGE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conduit.websocket.CloseException;
import dev.conduit.websocket.Conn;
import dev.conduit.websocket.ConnListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The listener features metrics rely on: per-connection listeners, composition, abnormal-end attribution. */
class ConnListenerEventsTest {

    /** Records events, tagged with the connection's own number when made by perConnection(). */
    private static final class Recorder implements ConnListener {
        final List<String> events;
        final AtomicInteger connections;
        final String name;

        Recorder(List<String> events, AtomicInteger connections, String name) {
            this.events = events;
            this.connections = connections;
            this.name = name;
        }

        @Override
        public ConnListener perConnection() {
            return new Recorder(events, connections, name + "#" + connections.incrementAndGet());
        }

        @Override
        public void opened(Conn conn) {
            events.add(name + " opened");
        }

        @Override
        public void messageRead(int messageType, long bytes) {
            events.add(name + " read " + bytes);
        }

        @Override
        public void closed(int code, Initiator initiator) {
            events.add(name + " closed " + code + " " + initiator);
        }
    }

    @Test
    void eachConnectionGetsItsOwnListenerFromPerConnection() throws Exception {
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        Recorder shared = new Recorder(events, new AtomicInteger(), "l");
        Conn[] first = Loopback.connPair(ConnSettings.server().listener(shared), ConnSettings.client());
        Conn[] second = Loopback.connPair(ConnSettings.server().listener(shared), ConnSettings.client());
        first[1].writeMessage(TEXT_MESSAGE, "ab".getBytes());
        second[1].writeMessage(TEXT_MESSAGE, "abc".getBytes());
        first[0].readMessage();
        second[0].readMessage();
        first[0].close();
        second[0].close();
        first[1].close();
        second[1].close();
        assertThat(events).containsExactly("l#1 opened", "l#2 opened", "l#1 read 2", "l#2 read 3",
                "l#1 closed 1006 ABNORMAL", "l#2 closed 1006 ABNORMAL");
    }

    @Test
    void aCompositeFansOutAndKeepsPerConnectionListeners() throws Exception {
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        List<String> plain = Collections.synchronizedList(new ArrayList<>());
        ConnListener simple = new ConnListener() {
            @Override
            public void messageRead(int messageType, long bytes) {
                plain.add("read " + bytes);
            }
        };
        assertThat(ConnListener.composite(ConnListener.NONE, null)).isSameAs(ConnListener.NONE);
        assertThat(ConnListener.composite(ConnListener.NONE, simple)).isSameAs(simple);
        ConnListener both = ConnListener.composite(simple, new Recorder(events, new AtomicInteger(), "r"));
        assertThat(ConnListener.composite(simple, ConnListener.NONE).perConnection()).isSameAs(simple);
        Conn[] c = Loopback.connPair(ConnSettings.server().listener(both), ConnSettings.client());
        c[1].writeMessage(TEXT_MESSAGE, "hello".getBytes());
        c[0].readMessage();
        c[0].close();
        c[1].close();
        assertThat(plain).containsExactly("read 5");
        assertThat(events).containsExactly("r#1 opened", "r#1 read 5", "r#1 closed 1006 ABNORMAL");
    }

    @Test
    void aCloseWrittenAfterThePeerVanishedStillCountsAsAbnormal() throws Exception {
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        Conn[] c = Loopback.connPair(ConnSettings.server().listener(new Recorder(events, new AtomicInteger(), "s")),
                ConnSettings.client());
        c[1].netConn().close(); // TCP drop, no close message
        assertThatThrownBy(c[0]::readMessage).isInstanceOf(CloseException.class);
        // What an application (or the starter) typically does next: try a graceful close.
        c[0].close(CLOSE_NORMAL_CLOSURE, "", Duration.ofSeconds(1));
        assertThat(events).containsExactly("s#1 opened", "s#1 closed 1006 ABNORMAL");
    }
}
