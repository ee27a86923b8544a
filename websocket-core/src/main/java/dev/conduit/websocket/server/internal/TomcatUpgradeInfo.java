package dev.conduit.websocket.server.internal;

import java.lang.reflect.Field;
import java.lang.reflect.Method;

/**
 * Keeps Tomcat's per-connection upgrade statistics from outliving the connection. Some Tomcat
 * versions (10.1.48 and 11.0.22 among them) add the {@code UpgradeInfo} of a Servlet upgrade to the
 * connector's {@code UpgradeGroupInfo} without telling the {@code UpgradeInfo} its group, so the
 * processor's {@code close()}, which leaves the group through the {@code UpgradeInfo}, leaves
 * nothing: every upgraded connection stayed in that group (about 90 bytes) for the life of the
 * connector. An {@code UpgradeInfo} without a group is given the one of its protocol (adding it
 * again changes nothing, the group holds a set), and Tomcat's own close then takes it out.
 * Versions that set the group themselves are left alone; any failure leaves everything as it is.
 */
final class TomcatUpgradeInfo {
    private static final System.Logger LOG = System.getLogger(TomcatUpgradeInfo.class.getName());

    /** The reflective members for one processor class and its socket wrapper's class loader. */
    private record Handles(Field upgradeInfo, Method getGroup, Method setGroup, Method getUpgradeToken,
                           Method tokenProtocol, Method getEndpoint, Method getHandler) {
        private static final ClassValue<Handles> BY_CLASS = new ClassValue<>() {
            @Override
            protected Handles computeValue(Class<?> processorClass) {
                try {
                    return lookUp(processorClass);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    LOG.log(System.Logger.Level.DEBUG, "websocket: Tomcat's upgrade statistics not reachable; left as they are", e);
                    return null;
                }
            }
        };

        private static Handles lookUp(Class<?> processorClass) throws ReflectiveOperationException {
            ClassLoader loader = processorClass.getClassLoader();
            Field info = processorClass.getDeclaredField("upgradeInfo");
            info.setAccessible(true);
            Class<?> infoClass = Class.forName("org.apache.coyote.http11.upgrade.UpgradeInfo", false, loader);
            Class<?> groupClass = Class.forName("org.apache.coyote.http11.upgrade.UpgradeGroupInfo", false, loader);
            Class<?> wrapperClass = Class.forName("org.apache.tomcat.util.net.SocketWrapperBase", false, loader);
            Class<?> endpointClass = Class.forName("org.apache.tomcat.util.net.AbstractEndpoint", false, loader);
            Method getEndpoint = wrapperClass.getDeclaredMethod("getEndpoint");
            getEndpoint.setAccessible(true);
            Method getUpgradeToken = processorClass.getMethod("getUpgradeToken");
            return new Handles(info, infoClass.getMethod("getGlobalProcessor"), infoClass.getMethod("setGroupInfo", groupClass),
                    getUpgradeToken, getUpgradeToken.getReturnType().getMethod("getProtocol"), getEndpoint,
                    endpointClass.getMethod("getHandler"));
        }
    }

    /** The protected {@code getProtocol()} of Tomcat's connection handler, per handler class. */
    private static final ClassValue<Method> HANDLER_PROTOCOL = new ClassValue<>() {
        @Override
        protected Method computeValue(Class<?> handlerClass) {
            try {
                Method m = handlerClass.getDeclaredMethod("getProtocol");
                m.setAccessible(true);
                return m;
            } catch (ReflectiveOperationException | RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "websocket: Tomcat's protocol not reachable from its handler", e);
                return null;
            }
        }
    };

    /** The protocol's {@code getUpgradeGroupInfo(String)}, per protocol class (looked up once, not per connection). */
    private static final ClassValue<Method> PROTOCOL_GROUP_INFO = new ClassValue<>() {
        @Override
        protected Method computeValue(Class<?> protocolClass) {
            try {
                return protocolClass.getMethod("getUpgradeGroupInfo", String.class);
            } catch (ReflectiveOperationException | RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "websocket: Tomcat's upgrade group not reachable from its protocol", e);
                return null;
            }
        }
    };

    private TomcatUpgradeInfo() {
    }

    /**
     * Gives the connection's {@code UpgradeInfo} its group when Tomcat did not (see the class comment).
     *
     * @param connection the upgraded connection (Tomcat's {@code UpgradeProcessorExternal})
     * @param socketWrapper its {@code SocketWrapperBase}
     */
    static void joinGroup(Object connection, Object socketWrapper) {
        if (!connection.getClass().getName().equals("org.apache.coyote.http11.upgrade.UpgradeProcessorExternal")) {
            return;
        }
        Handles h = Handles.BY_CLASS.get(connection.getClass());
        if (h == null) {
            return;
        }
        try {
            Object info = h.upgradeInfo().get(connection);
            if (info == null || h.getGroup().invoke(info) != null) {
                return; // this Tomcat tells the UpgradeInfo its group: its close leaves it
            }
            Object handler = h.getHandler().invoke(h.getEndpoint().invoke(socketWrapper));
            Method getProtocol = HANDLER_PROTOCOL.get(handler.getClass());
            if (getProtocol == null) {
                return;
            }
            Object protocol = getProtocol.invoke(handler);
            Method getGroupInfo = PROTOCOL_GROUP_INFO.get(protocol.getClass());
            if (getGroupInfo == null) {
                return;
            }
            Object token = h.getUpgradeToken().invoke(connection);
            Object group = getGroupInfo.invoke(protocol, (String) h.tokenProtocol().invoke(token));
            if (group != null) {
                h.setGroup().invoke(info, group);
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "websocket: Tomcat's upgrade statistics not reachable; left as they are", e);
        }
    }
}
