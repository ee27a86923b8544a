package dev.conduit.websocket.server;

import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.servlet.Servlets;
import io.undertow.servlet.api.DeploymentInfo;
import io.undertow.servlet.api.DeploymentManager;
import io.undertow.servlet.util.ImmediateInstanceFactory;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;

import java.net.InetSocketAddress;

/** Embedded Undertow (Boot 3.5's version) on 127.0.0.1 and a random port, serving one servlet at {@code /ws}. */
public final class EmbeddedUndertow implements TestServer {
    private final Undertow undertow;
    private final DeploymentManager manager;

    public EmbeddedUndertow(HttpServlet servlet, int maxThreads) {
        DeploymentInfo info = Servlets.deployment()
                .setClassLoader(EmbeddedUndertow.class.getClassLoader())
                .setContextPath("/")
                .setDeploymentName("conduit-test")
                .addServlet(Servlets.servlet("ws", HttpServlet.class, new ImmediateInstanceFactory<>(servlet))
                        .addMapping("/ws"));
        manager = Servlets.defaultContainer().addDeployment(info);
        manager.deploy();
        try {
            undertow = Undertow.builder()
                    .addHttpListener(0, "127.0.0.1")
                    .setWorkerThreads(maxThreads)
                    .setServerOption(UndertowOptions.ENABLE_HTTP2, false)
                    .setHandler(manager.start())
                    .build();
        } catch (ServletException e) {
            throw new IllegalStateException(e);
        }
        undertow.start();
    }

    @Override
    public int port() {
        return ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
    }

    @Override
    public void close() throws Exception {
        undertow.stop();
        manager.stop();
        manager.undeploy();
    }
}
