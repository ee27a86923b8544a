package dev.conduit.websocket.server;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The transport tests again with the channel left to Tomcat
 * ({@code conduit.websocket.tomcat.take-channel=false}): direct I/O while Tomcat's buffers are
 * empty, Tomcat's blocking streams and poller for the waits.
 */
class DirectIoServletNetConnTest extends ServletNetConnTest {
    @BeforeEach
    void leaveTheChannelToTomcat() {
        System.setProperty(TomcatSocketLevers.TAKE_CHANNEL_PROPERTY, "false");
    }

    @AfterEach
    void restoreTheDefault() {
        System.clearProperty(TomcatSocketLevers.TAKE_CHANNEL_PROPERTY);
    }

    @Override
    boolean expectChannelTaken() {
        return false;
    }
}
