package dev.conduit.websocket.server;

import dev.conduit.websocket.Message;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

/** Embedded Tomcat on 127.0.0.1 and a random port, serving one servlet at {@code /ws}. */
public final class EmbeddedTomcat implements TestServer {
    private final Tomcat tomcat = new Tomcat();
    private final Path baseDir;

    /**
     * @return a servlet whose upgraded connections echo every message with {@code upgrader}, and
     *         count {@code handlerEnded} down when their handler ends
     */
    public static HttpServlet echo(Upgrader upgrader, CountDownLatch handlerEnded) {
        return new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                upgrader.upgrade(req, resp, null, conn -> {
                    try {
                        while (true) {
                            Message m = conn.readMessage();
                            conn.writeMessage(m.messageType(), m.data());
                        }
                    } finally {
                        handlerEnded.countDown();
                    }
                });
            }
        };
    }

    public EmbeddedTomcat(HttpServlet servlet) {
        this(servlet, 200);
    }

    public EmbeddedTomcat(HttpServlet servlet, int maxThreads) {
        try {
            baseDir = Files.createTempDirectory("conduit-tomcat");
            tomcat.setBaseDir(baseDir.toString());
            Connector connector = new Connector();
            connector.setPort(0);
            connector.setProperty("address", "127.0.0.1");
            connector.setProperty("maxThreads", Integer.toString(maxThreads));
            connector.setProperty("maxConnections", Integer.toString(Math.max(8192, maxThreads * 2)));
            connector.setProperty("acceptCount", "1000");
            if (Boolean.getBoolean("conduit.test.virtualThreads")) {
                connector.setProperty("useVirtualThreads", "true");
            }
            tomcat.setConnector(connector);
            Context ctx = tomcat.addContext("", baseDir.toString());
            Tomcat.addServlet(ctx, "ws", servlet);
            ctx.addServletMappingDecoded("/ws", "ws");
            tomcat.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (LifecycleException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The embedded Tomcat, for tests that look at its internals. */
    public Tomcat tomcat() {
        return tomcat;
    }

    @Override
    public int port() {
        return tomcat.getConnector().getLocalPort();
    }


    @Override
    public void close() throws Exception {
        tomcat.stop();
        tomcat.destroy();
        try (Stream<Path> files = Files.walk(baseDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
