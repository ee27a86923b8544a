package dev.conduit.websocket.server.internal;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Looks, without a connection, for the Tomcat members {@link TomcatSocketLevers} reaches by
 * reflection, so that a Tomcat without one of them is told at start-up with one WARN naming the
 * features that degrade (rather than a DEBUG line per connection).
 */
final class TomcatLeverProbe {
    private static final System.Logger LOG = System.getLogger(TomcatLeverProbe.class.getName());
    private static final String NET = "org.apache.tomcat.util.net.";
    private static final String DEADLINES = "read and write deadlines (so the close and pong timeouts)";
    private static final String CLOSE = "closing a blocked reader from another thread (Conn.close, the idle timeout,"
            + " shutdown)";
    private static final String DIRECT = "direct I/O and the channel takeover (more system calls and CPU per message)";
    private static final String TAKEOVER = "the channel takeover (connections use Tomcat's streams)";
    private static final String BUFFERS = "small socket buffers for WebSockets (16 KiB of heap per idle connection)";
    /** What was warned about already, so that a second context in the same JVM does not repeat it. */
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    private TomcatLeverProbe() {
    }

    /** A member looked for and what is lost without it. */
    private record Lever(String member, List<String> degrades) {
    }

    /** @return the levers that cannot be reached through {@code loader}'s Tomcat; empty when all can */
    static List<String> missing(ClassLoader loader) {
        List<Lever> missing = new ArrayList<>();
        check(missing, "org.apache.coyote.http11.upgrade.UpgradeServletInputStream.socketWrapper",
                List.of(DEADLINES, CLOSE, DIRECT, BUFFERS), () -> field(loader, "org.apache.coyote.http11.upgrade"
                        + ".UpgradeServletInputStream", "socketWrapper"));
        check(missing, "SocketWrapperBase.setReadTimeout/setWriteTimeout", List.of(DEADLINES), () -> {
            method(loader, NET + "SocketWrapperBase", "setReadTimeout", long.class);
            method(loader, NET + "SocketWrapperBase", "setWriteTimeout", long.class);
        });
        check(missing, "SocketWrapperBase.getSocket, NioChannel.getIOChannel", List.of(CLOSE, DIRECT), () -> {
            method(loader, NET + "SocketWrapperBase", "getSocket");
            method(loader, NET + "NioChannel", "getIOChannel");
        });
        check(missing, "NioEndpoint.NioSocketWrapper.updateLastRead/updateLastWrite", List.of(DIRECT), () -> {
            method(loader, NET + "NioEndpoint$NioSocketWrapper", "updateLastRead");
            method(loader, NET + "NioEndpoint$NioSocketWrapper", "updateLastWrite");
        });
        check(missing, "SocketBufferHandler.readBuffer/writeBuffer/reset", List.of(BUFFERS, TAKEOVER), () -> {
            field(loader, NET + "SocketBufferHandler", "readBuffer");
            field(loader, NET + "SocketBufferHandler", "writeBuffer");
            method(loader, NET + "SocketBufferHandler", "reset");
            method(loader, NET + "SocketBufferHandler", "configureReadBufferForRead");
        });
        check(missing, "NioEndpoint.Poller.addEvent/getSelector, PollerEvent, SocketWrapperBase.closed,"
                + " NioSocketWrapper.getPoller/interestOps", List.of(TAKEOVER), () -> {
            Class<?> wrapper = type(loader, NET + "NioEndpoint$NioSocketWrapper");
            Class<?> event = type(loader, NET + "NioEndpoint$PollerEvent");
            type(loader, NET + "NioEndpoint$Poller").getDeclaredMethod("addEvent", event);
            method(loader, NET + "NioEndpoint$Poller", "getSelector");
            event.getConstructor(wrapper, int.class);
            field(loader, NET + "SocketWrapperBase", "closed");
            wrapper.getMethod("getPoller");
            wrapper.getMethod("interestOps");
            wrapper.getMethod("interestOps", int.class);
        });
        List<String> out = new ArrayList<>();
        for (Lever lever : missing) {
            out.add(lever.member() + " (degrades: " + String.join("; ", lever.degrades()) + ")");
        }
        return out;
    }

    /** Logs one WARN naming the missing levers and the features they degrade, once per JVM and Tomcat. */
    static void warnMissing(ClassLoader loader, String version) {
        if (loader == null) {
            return;
        }
        List<String> missing = missing(loader);
        if (missing.isEmpty() || !WARNED.add(version + missing)) {
            return;
        }
        Set<String> degraded = new LinkedHashSet<>();
        for (String m : missing) {
            degraded.add(m.substring(m.indexOf("(degrades: ") + 11, m.length() - 1));
        }
        LOG.log(System.Logger.Level.WARNING, "websocket: Tomcat " + version + " lacks members this library reaches"
                + " into (" + String.join(", ", missing.stream().map(m -> m.substring(0, m.indexOf(" (degrades"))).toList())
                + "); degraded: " + String.join("; ", degraded));
    }

    private interface Check {
        void run() throws ReflectiveOperationException;
    }

    private static void check(List<Lever> missing, String member, List<String> degrades, Check check) {
        try {
            check.run();
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            missing.add(new Lever(member, degrades));
        }
    }

    private static Class<?> type(ClassLoader loader, String name) throws ClassNotFoundException {
        return Class.forName(name, false, loader);
    }

    private static void field(ClassLoader loader, String type, String name) throws ReflectiveOperationException {
        type(loader, type).getDeclaredField(name);
    }

    private static void method(ClassLoader loader, String type, String name, Class<?>... args)
            throws ReflectiveOperationException {
        type(loader, type).getMethod(name, args);
    }
}
