package dev.conduit.websocket.server;

/** The control-frame bounds on Undertow. */
class UndertowControlFrameBoundsTest extends ControlFrameBoundsTest {
    @Override
    TestServer.Container container() {
        return TestServer.Container.UNDERTOW;
    }
}
