package dev.conduit.websocket.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.websocket.Conn;
import dev.conduit.websocket.ConnListener;
import dev.conduit.websocket.HandshakeException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The handshake timeout bounds the step from {@code upgrade()} accepting a request to the container
 * handing the connection over: a connection handed over after it is closed unused, its handler
 * never runs and hears {@code notStarted}; one handed over in time hears {@code ended} after its
 * closing handshake.
 */
class HandshakeTimeoutTest {
    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    private final Upgrader upgrader = Upgrader.builder().handshakeTimeout(Duration.ofSeconds(1))
            .listener(new ConnListener() {
                @Override
                public void error(ErrorKind kind, Throwable cause) {
                    events.add("listener " + kind);
                }
            }).build();
    private TestServer server;

    @AfterEach
    void stop() throws Exception {
        server.close();
        upgrader.close();
    }

    @Test
    void aConnectionHandedOverAfterTheTimeoutIsClosedUnused() throws Exception {
        server = TestServer.start(TestServer.Container.TOMCAT, new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
                try {
                    upgrader.upgrade(req, resp, null, new ConnHandler() {
                        @Override
                        public void accept(Conn conn) {
                            events.add("handler ran");
                        }

                        @Override
                        public void notStarted(Throwable cause) {
                            events.add("not started: " + cause.getClass().getSimpleName());
                        }

                        @Override
                        public void ended(Conn conn) {
                            events.add("ended");
                        }
                    });
                    if (req.getParameter("slow") != null) {
                        Thread.sleep(2500); // the servlet returns, and the container hands over, too late
                    }
                } catch (HandshakeException | InterruptedException e) {
                    events.add(e.toString());
                }
            }
        }, 20);
        RawHttp onTime = RawHttp.exchange(server.port(), RawHttp.validRequest(server.port()));
        assertThat(onTime.status).isEqualTo(101);
        assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("handler ran");
        // This raw peer never answers the close: the closing handshake times out, then the handler hears the end.
        assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("listener TIMEOUT");
        assertThat(events.poll(10, TimeUnit.SECONDS)).as("after the closing handshake").isEqualTo("ended");
        onTime.socket.close();

        RawHttp late = RawHttp.exchange(server.port(),
                RawHttp.validRequest(server.port()).replaceFirst("GET /ws ", "GET /ws?slow=1 "));
        assertThat(late.status).isEqualTo(101);
        InputStream in = late.socket.getInputStream();
        assertThat(in.read()).as("the late connection is closed without a frame").isEqualTo(-1);
        // Told, so that whatever the upgrade reserved for the connection is given back.
        assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("listener TIMEOUT");
        assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("not started: SocketTimeoutException");
        assertThat(events.poll(1, TimeUnit.SECONDS)).as("the late connection's handler").isNull();
        late.socket.close();
    }
}
