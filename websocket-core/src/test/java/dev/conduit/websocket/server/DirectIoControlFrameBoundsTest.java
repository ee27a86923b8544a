package dev.conduit.websocket.server;

/** The control-frame bounds with the channel left to Tomcat. */
class DirectIoControlFrameBoundsTest extends ControlFrameBoundsTest {
    @Override
    Transport transport() {
        return Transport.CONTAINER;
    }
}
