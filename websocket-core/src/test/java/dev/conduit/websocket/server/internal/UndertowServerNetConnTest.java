package dev.conduit.websocket.server.internal;

import dev.conduit.websocket.server.TestServer;
/** The transport tests on Undertow (no socket timeouts there: those tests are skipped). */
class UndertowServerNetConnTest extends ServerNetConnTest {
    @Override
    TestServer.Container container() {
        return TestServer.Container.UNDERTOW;
    }

    @Override
    boolean expectChannelTaken() {
        return false;
    }

    @Override
    Class<?> expectedTransport() {
        return ContainerNetConn.class;
    }

    @Override
    boolean writesToTheSocket() {
        return false;
    }
}
