package dev.conduit.websocket.server.internal;

import dev.conduit.websocket.server.ServerTransport;
import dev.conduit.websocket.server.Transport;
import dev.conduit.websocket.server.Upgrader;
import dev.conduit.websocket.server.ConnHandler;
import dev.conduit.websocket.server.EmbeddedTomcat;
import dev.conduit.websocket.server.JdkClient;
import dev.conduit.websocket.ConnListener;
import dev.conduit.websocket.Message;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.coyote.AbstractProtocol;
import org.apache.tomcat.util.net.AbstractEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.lang.reflect.Method;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A failure injected at each step of the takeover, over a real Tomcat and a real client: the
 * connection is kept (before the point of no return) or closed with 1011 and reported (after it),
 * the takeover is turned off with one WARN naming the step and Tomcat's version, and the next
 * connection is served through Tomcat's streams.
 */
class TakeoverFailureTest {
    final List<ConnListener.ErrorKind> errors = new CopyOnWriteArrayList<>();
    final AtomicInteger notStarted = new AtomicInteger();
    final CountDownLatch notStartedLatch = new CountDownLatch(1);
    final List<LogRecord> warnings = new CopyOnWriteArrayList<>();
    final Logger transportLog = Logger.getLogger(TransportRuntime.class.getName());
    final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                warnings.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    final Upgrader upgrader = Upgrader.builder().listener(new ConnListener() {
        @Override
        public void error(ErrorKind kind, Throwable error) {
            errors.add(kind);
        }
    }).build();
    final HttpServlet echo = new HttpServlet() {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            upgrader.upgrade(req, resp, null, new ConnHandler() {
                @Override
                public void accept(dev.conduit.websocket.Conn conn) throws Exception {
                    while (true) {
                        Message m = conn.readMessage();
                        conn.writeMessage(m.messageType(), m.data());
                    }
                }

                @Override
                public void notStarted(Throwable cause) {
                    notStarted.incrementAndGet();
                    notStartedLatch.countDown();
                }
            });
        }
    };

    @BeforeEach
    void captureWarnings() {
        TransportRuntime.resetTurnedOffForTests();
        transportLog.addHandler(capture);
    }

    @AfterEach
    void restore() {
        TakeoverStep.injectedFailure = null;
        TransportRuntime.resetTurnedOffForTests();
        transportLog.removeHandler(capture);
        upgrader.close();
    }

    @ParameterizedTest
    @EnumSource(TakeoverStep.class)
    void aFailureAtAnyStepCostsAtMostThatConnectionAndTurnsTheTakeoverOff(TakeoverStep step) throws Exception {
        try (EmbeddedTomcat server = new EmbeddedTomcat(echo, 20)) {
            String version = TomcatVersion.onClassPath();
            assertThat(upgrader.serverTransport().status().inUse()).as("takeover before the failure")
                    .isEqualTo(Transport.TAKEOVER);
            TakeoverStep.injectedFailure = step;

            JdkClient first = JdkClient.connect(server.wsUri());
            if (step.pastPointOfNoReturn()) {
                assertThat(first.awaitCloseCode()).as("the lost connection is closed with 1011").isEqualTo(1011);
                assertThat(notStartedLatch.await(10, TimeUnit.SECONDS)).as("the handler is told").isTrue();
                assertThat(errors).containsExactly(ConnListener.ErrorKind.TRANSPORT);
                awaitNoConnections(server); // Tomcat closed the socket and forgot the connection
            } else {
                first.ws.sendText("kept", true);
                assertThat(first.next()).as("the connection stays with Tomcat").isEqualTo("kept");
                assertThat(errors).isEmpty();
                assertThat(notStarted).hasValue(0);
            }
            assertThat(warnings).as("one WARN").hasSize(1);
            assertThat(warnings.get(0).getMessage()).contains(step.description()).contains("Tomcat " + version);

            TakeoverStep.injectedFailure = null;
            ServerTransport.Status status = upgrader.serverTransport().status();
            assertThat(status.inUse()).isEqualTo(Transport.CONTAINER);
            assertThat(status.turnedOff()).contains(step.description());
            JdkClient next = JdkClient.connect(server.wsUri());
            next.ws.sendText("next", true);
            assertThat(next.next()).as("the next connection is served on Tomcat's streams").isEqualTo("next");
            assertThat(notStarted).hasValue(step.pastPointOfNoReturn() ? 1 : 0);
            assertThat(warnings).as("still one WARN").hasSize(1);
            next.ws.sendClose(1000, "");
            assertThat(next.awaitCloseCode()).isEqualTo(1000);
            if (!step.pastPointOfNoReturn()) {
                first.ws.sendClose(1000, "");
                assertThat(first.awaitCloseCode()).isEqualTo(1000);
            }
        }
    }

    private static void awaitNoConnections(EmbeddedTomcat server) throws Exception {
        AbstractProtocol<?> protocol = (AbstractProtocol<?>) server.tomcat().getConnector().getProtocolHandler();
        Method getEndpoint = AbstractProtocol.class.getDeclaredMethod("getEndpoint");
        getEndpoint.setAccessible(true);
        AbstractEndpoint<?, ?> endpoint = (AbstractEndpoint<?, ?>) getEndpoint.invoke(protocol);
        for (int i = 0; i < 100 && !endpoint.getConnections().isEmpty(); i++) {
            Thread.sleep(100);
        }
        assertThat(endpoint.getConnections()).as("Tomcat's open connections").isEmpty();
    }
}
