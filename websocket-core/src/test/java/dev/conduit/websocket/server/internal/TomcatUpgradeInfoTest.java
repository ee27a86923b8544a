package dev.conduit.websocket.server.internal;

import dev.conduit.websocket.server.EmbeddedTomcat;
import dev.conduit.websocket.server.JdkClient;
import dev.conduit.websocket.server.Upgrader;
import jakarta.servlet.http.HttpServlet;
import org.apache.coyote.http11.AbstractHttp11Protocol;
import org.apache.coyote.http11.upgrade.UpgradeGroupInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tomcat's upgrade statistics ({@code UpgradeGroupInfo}) hold each upgraded connection while it
 * is open, over real connections: once they have closed, none is left there (with Tomcat 10.1.48
 * every closed connection stayed, about 90 bytes each, for the life of the connector).
 */
class TomcatUpgradeInfoTest {
    static final int CONNECTIONS = 3;
    final Upgrader upgrader = Upgrader.builder().build();
    final CountDownLatch handlersEnded = new CountDownLatch(CONNECTIONS);

    final HttpServlet echo = EmbeddedTomcat.echo(upgrader, handlersEnded);

    @AfterEach
    void closeUpgrader() {
        upgrader.close();
    }

    @Test
    void closedConnectionsLeaveTomcatsUpgradeStatistics() throws Exception {
        try (EmbeddedTomcat server = new EmbeddedTomcat(echo, 20)) {
            AbstractHttp11Protocol<?> protocol = (AbstractHttp11Protocol<?>) server.tomcat().getConnector().getProtocolHandler();
            for (int i = 0; i < CONNECTIONS; i++) {
                JdkClient client = JdkClient.connect(server.wsUri());
                client.ws.sendText("hi " + i, true);
                assertThat(client.next()).isEqualTo("hi " + i);
                if (i == CONNECTIONS - 1) {
                    // The earlier connections' processors are closed once their handlers have returned.
                    awaitTracked(protocol, 1);
                    assertThat(tracked(protocol)).as("open connections in Tomcat's upgrade statistics").isEqualTo(1);
                }
                client.ws.sendClose(1000, "");
                assertThat(client.awaitCloseCode()).isEqualTo(1000);
            }
            assertThat(handlersEnded.await(10, TimeUnit.SECONDS)).isTrue();
            awaitTracked(protocol, 0);
            assertThat(tracked(protocol)).as("closed connections left in Tomcat's upgrade statistics").isZero();
        }
    }

    /** Polls (at most 10 s) until the upgrade groups hold at most {@code expected} connections. */
    private static void awaitTracked(AbstractHttp11Protocol<?> protocol, int expected) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (tracked(protocol) > expected && System.nanoTime() < end) {
            Thread.sleep(20);
        }
    }

    /** @return the connections in all of the connector's upgrade groups */
    private static int tracked(AbstractHttp11Protocol<?> protocol) throws ReflectiveOperationException {
        Field groups = AbstractHttp11Protocol.class.getDeclaredField("upgradeProtocolGroupInfos");
        groups.setAccessible(true);
        Field infos = UpgradeGroupInfo.class.getDeclaredField("upgradeInfos");
        infos.setAccessible(true);
        int n = 0;
        for (Object group : ((Map<?, ?>) groups.get(protocol)).values()) {
            n += ((Set<?>) infos.get(group)).size();
        }
        return n;
    }
}
