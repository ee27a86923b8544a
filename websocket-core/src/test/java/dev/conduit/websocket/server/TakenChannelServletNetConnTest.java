package dev.conduit.websocket.server;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The transport tests again with the experimental taken channel on (Tomcat). */
class TakenChannelServletNetConnTest extends ServletNetConnTest {
    @BeforeEach
    void takeChannel() {
        System.setProperty(TomcatSocketLevers.TAKE_CHANNEL_PROPERTY, "true");
    }

    @AfterEach
    void leaveChannel() {
        System.clearProperty(TomcatSocketLevers.TAKE_CHANNEL_PROPERTY);
    }
}
