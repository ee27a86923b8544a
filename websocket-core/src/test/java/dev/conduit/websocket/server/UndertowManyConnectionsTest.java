package dev.conduit.websocket.server;

/** 1,000 connections on Undertow (one XNIO worker thread per open connection). */
class UndertowManyConnectionsTest extends ManyConnectionsTest {
    @Override
    TestServer.Container container() {
        return TestServer.Container.UNDERTOW;
    }
}
