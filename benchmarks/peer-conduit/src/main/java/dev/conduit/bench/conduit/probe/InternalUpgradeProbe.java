package dev.conduit.bench.conduit.probe;

import dev.conduit.websocket.Message;
import dev.conduit.websocket.conn.ConnSettings;
import dev.conduit.websocket.conn.WebSocketConn;
import dev.conduit.websocket.handshake.AcceptKey;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A probe, not a transport of the library: the echo at {@code /echo-internal} served through
 * Tomcat's public {@code InternalHttpUpgradeHandler} (the interface Tomcat's own WebSocket uses)
 * instead of the library's read loop, to measure that path against the read loop
 * (benchmarks/probe.sh conduit-internal-25; BENCHMARKS.md). On only with
 * {@code --conduit.bench.internal-upgrade-probe=true}.
 * <p>
 * The handshake is the bare minimum (GET with a valid key, no subprotocol, no compression, no
 * origin check): enough for the load generator, not for anything else.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "conduit.bench.internal-upgrade-probe", havingValue = "true")
public class InternalUpgradeProbe {
    /** Each connection's handler thread: a virtual thread on Java 21+, a platform thread before. */
    static final ExecutorService HANDLERS = handlerThreads();

    @Bean
    ServletRegistrationBean<HttpServlet> internalUpgradeEcho() {
        return new ServletRegistrationBean<>(new EchoServlet(), "/echo-internal");
    }

    static final class EchoServlet extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException, ServletException {
            String key = req.getHeader("Sec-WebSocket-Key");
            if (key == null || !AcceptKey.isValidClientKey(key) || !"websocket".equalsIgnoreCase(req.getHeader("Upgrade"))) {
                resp.sendError(400, "not a WebSocket handshake");
                return;
            }
            resp.setStatus(101);
            resp.setHeader("Upgrade", "websocket");
            resp.setHeader("Connection", "Upgrade");
            resp.setHeader("Sec-WebSocket-Accept", AcceptKey.accept(key));
            req.upgrade(InternalUpgradeHandler.class).handler(InternalUpgradeProbe::echo);
        }
    }

    /** gorilla's echo, as {@code /echo} of the peer. */
    static void echo(WebSocketConn conn) throws IOException {
        while (true) {
            Message m = conn.readMessage();
            conn.writeMessage(m.messageType(), m.data());
        }
    }

    static WebSocketConn open(SocketWrapperNetConn net) {
        return WebSocketConn.open(net, ConnSettings.server());
    }

    private static ExecutorService handlerThreads() {
        try {
            return (ExecutorService) MethodHandles.publicLookup()
                    .findStatic(Executors.class, "newVirtualThreadPerTaskExecutor", MethodType.methodType(ExecutorService.class))
                    .invoke();
        } catch (Throwable e) {
            return Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "probe-handler");
                t.setDaemon(true);
                return t;
            });
        }
    }
}
