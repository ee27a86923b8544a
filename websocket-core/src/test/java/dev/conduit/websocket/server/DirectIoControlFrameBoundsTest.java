package dev.conduit.websocket.server;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The control-frame bounds with the channel left to Tomcat. */
class DirectIoControlFrameBoundsTest extends ControlFrameBoundsTest {
    @BeforeEach
    void leaveTheChannelToTomcat() {
        System.setProperty(TomcatSocketLevers.TAKE_CHANNEL_PROPERTY, "false");
    }

    @AfterEach
    void restoreTheDefault() {
        System.clearProperty(TomcatSocketLevers.TAKE_CHANNEL_PROPERTY);
    }
}
