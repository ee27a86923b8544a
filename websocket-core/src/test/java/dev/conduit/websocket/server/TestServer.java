package dev.conduit.websocket.server;

import jakarta.servlet.http.HttpServlet;

/** A Servlet container on 127.0.0.1 and a random port, serving one servlet at {@code /ws}. */
public interface TestServer extends AutoCloseable {
    /** The containers the Upgrader supports. */
    public enum Container { TOMCAT, UNDERTOW }

    static TestServer start(Container container, HttpServlet servlet, int maxThreads) {
        return container == Container.TOMCAT ? new EmbeddedTomcat(servlet, maxThreads)
                : new EmbeddedUndertow(servlet, maxThreads);
    }

    public int port();

    default String wsUri() {
        return "ws://127.0.0.1:" + port() + "/ws";
    }
}
