package dev.conduit.websocket.server.internal;

import dev.conduit.websocket.server.ServerTransport;
import dev.conduit.websocket.server.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fence around the takeover: {@code auto} takes over only on the Tomcat versions CI verifies
 * and says once why not elsewhere; the start-up probe finds every Tomcat member the levers reach
 * into on the Tomcat of this build, and names what degrades when one is missing.
 */
class TransportGateTest {
    final List<LogRecord> records = new CopyOnWriteArrayList<>();
    final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    final Logger transportLog = Logger.getLogger(TransportRuntime.class.getName());
    final Logger probeLog = Logger.getLogger(TomcatLeverProbe.class.getName());

    @BeforeEach
    void capture() {
        transportLog.addHandler(capture);
        probeLog.addHandler(capture);
    }

    @AfterEach
    void release() {
        transportLog.removeHandler(capture);
        probeLog.removeHandler(capture);
    }

    @Test
    void autoTakesOverOnlyOnVerifiedTomcatVersions() {
        assertThat(TomcatVersion.verified("10.1.47")).isFalse();
        assertThat(TomcatVersion.verified("10.1.48")).isTrue();
        assertThat(TomcatVersion.verified("11.0.21")).isFalse();
        assertThat(TomcatVersion.verified("11.0.22")).isTrue();
        assertThat(TomcatVersion.verified("11.0.27")).isTrue();
        assertThat(TomcatVersion.verified("11.0.29")).isTrue();
        assertThat(TomcatVersion.verified("11.0.30")).as("newer than CI tests").isFalse();
        assertThat(TomcatVersion.verified("12.0.0")).isFalse();
        assertThat(TomcatVersion.verified("9.0.100")).isFalse();
        assertThat(TomcatVersion.verified("garbage")).isFalse();

        try (TransportRuntime auto = new TransportRuntime(Transport.AUTO, 1);
             TransportRuntime forced = new TransportRuntime(Transport.TAKEOVER, 1);
             TransportRuntime container = new TransportRuntime(Transport.CONTAINER, 1)) {
            assertThat(auto.takeoverWanted("11.0.30")).isFalse();
            assertThat(auto.takeoverWanted("11.0.29")).isTrue();
            assertThat(forced.takeoverWanted("11.0.30")).as("forced on an unverified version").isTrue();
            assertThat(container.takeoverWanted("11.0.29")).isFalse();
        }
        try (ServerTransport auto = ServerTransport.create(Transport.AUTO, 1);
             ServerTransport container = ServerTransport.create(Transport.CONTAINER, 1)) {
            assertThat(auto.status().tomcatVersion()).as("this build's Tomcat").isEqualTo(TomcatVersion.onClassPath());
            assertThat(auto.status().inUse()).as("this build's Tomcat is verified").isEqualTo(Transport.TAKEOVER);
            assertThat(container.status().reason()).isEqualTo("conduit.websocket.transport=container");
        }
    }

    @Test
    void anUnverifiedTomcatIsToldOnceAtStartUpWithHowToForceTheTakeover() {
        try (TransportRuntime auto = new TransportRuntime(Transport.AUTO, 1);
             TransportRuntime forced = new TransportRuntime(Transport.TAKEOVER, 1)) {
            auto.announce("11.0.30", TomcatVersion.classLoader());
            forced.announce("11.0.30", TomcatVersion.classLoader());
            auto.announce("11.0.29", TomcatVersion.classLoader());
        }
        List<LogRecord> info = records.stream().filter(r -> r.getLevel() == Level.INFO).toList();
        assertThat(info).hasSize(1);
        assertThat(info.get(0).getMessage()).contains("Tomcat 11.0.30").contains("conduit.websocket.transport=takeover");
        assertThat(records).noneMatch(r -> r.getLevel() == Level.WARNING);
    }

    @Test
    void theProbeFindsEveryLeverOnThisTomcatAndNamesWhatDegradesWithoutOne() {
        assertThat(TomcatLeverProbe.missing(TomcatVersion.classLoader())).as("this build's Tomcat").isEmpty();

        ClassLoader withoutBufferHandler = new ClassLoader(TomcatVersion.classLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                if (name.equals("org.apache.tomcat.util.net.SocketBufferHandler")) {
                    throw new ClassNotFoundException(name);
                }
                return super.loadClass(name, resolve);
            }
        };
        assertThat(TomcatLeverProbe.missing(withoutBufferHandler)).singleElement().asString()
                .startsWith("SocketBufferHandler").contains("small socket buffers").contains("the channel takeover");
        TomcatLeverProbe.warnMissing(withoutBufferHandler, "11.0.99");
        TomcatLeverProbe.warnMissing(withoutBufferHandler, "11.0.99");
        List<LogRecord> warnings = records.stream().filter(r -> r.getLevel() == Level.WARNING).toList();
        assertThat(warnings).as("one WARN").hasSize(1);
        assertThat(warnings.get(0).getMessage()).contains("Tomcat 11.0.99").contains("SocketBufferHandler")
                .contains("degraded: small socket buffers");
    }
}
