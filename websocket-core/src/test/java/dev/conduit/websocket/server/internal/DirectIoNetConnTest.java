package dev.conduit.websocket.server.internal;

import dev.conduit.websocket.server.Transport;
/**
 * The transport tests again with the channel left to Tomcat ({@link Transport#CONTAINER}): direct
 * I/O while Tomcat's buffers are empty, Tomcat's blocking streams and poller for the waits.
 */
class DirectIoNetConnTest extends ServerNetConnTest {
    @Override
    Transport transportMode() {
        return Transport.CONTAINER;
    }

    @Override
    boolean expectChannelTaken() {
        return false;
    }

    @Override
    Class<?> expectedTransport() {
        return DirectIoNetConn.class;
    }
}
