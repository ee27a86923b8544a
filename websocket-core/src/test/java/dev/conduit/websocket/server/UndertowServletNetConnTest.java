package dev.conduit.websocket.server;

/** The transport tests on Undertow (no socket timeouts there: those tests are skipped). */
class UndertowServletNetConnTest extends ServletNetConnTest {
    @Override
    TestServer.Container container() {
        return TestServer.Container.UNDERTOW;
    }

    @Override
    boolean expectChannelTaken() {
        return false;
    }
}
