package dev.conduit.websocket.server;

/** The Upgrader's handshake answers through Undertow. */
class UndertowUpgraderHandshakeTest extends UpgraderHandshakeTest {
    @Override
    TestServer.Container container() {
        return TestServer.Container.UNDERTOW;
    }
}
