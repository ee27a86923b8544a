package dev.conduit.websocket.server;

import org.junit.jupiter.api.Test;

import java.lang.ref.WeakReference;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A redeployed application loads this library through a new class loader; the old one can only be
 * collected when no thread the library started still runs its code. The library is loaded here
 * through a throwaway class loader, its transport's threads started as the first taken-over
 * connection starts them, the transport closed: the threads end and the loader is collected.
 */
class ServerTransportClassLoaderTest {

    @Test
    void aClosedTransportLeavesNoThreadAndItsClassLoaderIsCollected() throws Exception {
        // Transports of other tests in this JVM may still run theirs: only new threads count.
        Set<Thread> before = threads();
        WeakReference<ClassLoader> loader = startAndClose(before);
        Set<Thread> after = threads();
        after.removeAll(before);
        assertThat(names(after)).as("the transport's threads after close").isEmpty();
        for (int i = 0; i < 50 && loader.get() != null; i++) {
            System.gc();
            Thread.sleep(100);
        }
        assertThat(loader.get()).as("the throwaway class loader").isNull();
    }

    private static WeakReference<ClassLoader> startAndClose(Set<Thread> before) throws Exception {
        URL classes = ServerTransport.class.getProtectionDomain().getCodeSource().getLocation();
        ClassLoader loader = new ChildFirst(classes, ServerTransportClassLoaderTest.class.getClassLoader());
        Class<?> transportClass = loader.loadClass(ServerTransport.class.getName());
        assertThat(transportClass).isNotSameAs(ServerTransport.class);
        Class<?> modeClass = loader.loadClass(Transport.class.getName());
        Object auto = modeClass.getEnumConstants()[0];
        AutoCloseable transport = (AutoCloseable) transportClass.getMethod("create", modeClass, int.class)
                .invoke(null, auto, 2);
        Method runtimeOf = transportClass.getDeclaredMethod("runtime");
        runtimeOf.setAccessible(true);
        Object runtime = runtimeOf.invoke(transport);
        for (String start : List.of("nextReadLoop", "pollerWatch", "deadlines")) {
            Method m = runtime.getClass().getDeclaredMethod(start);
            m.setAccessible(true);
            m.invoke(runtime);
        }
        Set<Thread> started = threads();
        started.removeAll(before);
        assertThat(names(started)).as("started").contains("conduit-websocket-read-loop-0", "conduit-websocket-read-loop-1",
                "conduit-websocket-tomcat-takeover-watch");
        transport.close();
        return new WeakReference<>(loader);
    }

    private static Set<Thread> threads() {
        Set<Thread> threads = new HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            String n = t.getName();
            if (n.startsWith("conduit-websocket-read-loop") || n.startsWith("conduit-websocket-tomcat")
                    || n.equals("conduit-websocket-deadlines")) {
                threads.add(t);
            }
        }
        return threads;
    }

    private static List<String> names(Set<Thread> threads) {
        return threads.stream().map(Thread::getName).sorted().toList();
    }

    /** Loads the library's main classes itself, everything else through its parent. */
    private static final class ChildFirst extends URLClassLoader {
        ChildFirst(URL classes, ClassLoader parent) {
            super(new URL[] {classes}, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith("dev.conduit.websocket.")) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    c = findClass(name);
                }
                if (resolve) {
                    resolveClass(c);
                }
                return c;
            }
        }
    }
}
