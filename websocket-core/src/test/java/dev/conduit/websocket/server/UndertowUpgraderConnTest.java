package dev.conduit.websocket.server;

/** The Upgrader end to end on Undertow. */
class UndertowUpgraderConnTest extends UpgraderConnTest {
    @Override
    TestServer.Container container() {
        return TestServer.Container.UNDERTOW;
    }
}
