package dev.conduit.websocket.server.internal;

/**
 * Tomcat's version ({@code org.apache.catalina.util.ServerInfo}) and whether the takeover is
 * verified on it ({@link dev.conduit.websocket.server.ServerTransport#VERIFIED_TOMCAT}).
 */
final class TomcatVersion {
    private static final String SERVER_INFO = "org.apache.catalina.util.ServerInfo";

    private static final ClassValue<String> BY_CLASS = new ClassValue<>() {
        @Override
        protected String computeValue(Class<?> serverInfo) {
            try {
                String number = (String) serverInfo.getMethod("getServerNumber").invoke(null); // 10.1.48.0
                String[] parts = number.split("\\.");
                return parts.length >= 3 ? parts[0] + "." + parts[1] + "." + parts[2] : number;
            } catch (ReflectiveOperationException | RuntimeException e) {
                return null;
            }
        }
    };

    private TomcatVersion() {
    }

    /** @return the version of the Tomcat that {@code loader} sees (e.g. {@code 10.1.48}), or null */
    static String of(ClassLoader loader) {
        try {
            return BY_CLASS.get(Class.forName(SERVER_INFO, false, loader));
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }

    /** @return the class loader that sees Tomcat: this library's or the thread's; null when neither does */
    static ClassLoader classLoader() {
        ClassLoader own = TomcatVersion.class.getClassLoader();
        if (of(own) != null) {
            return own;
        }
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null && of(context) != null ? context : null;
    }

    /** @return the version of the Tomcat on the class path, or null */
    static String onClassPath() {
        ClassLoader loader = classLoader();
        return loader == null ? null : of(loader);
    }

    /** @return whether CI verifies the takeover on this version: 10.1.48 and later 10.1, 11.0.22 to 11.0.29 */
    static boolean verified(String version) {
        if (version == null) {
            return false;
        }
        String[] parts = version.split("\\.");
        if (parts.length < 3) {
            return false;
        }
        try {
            int major = Integer.parseInt(parts[0]);
            int minor = Integer.parseInt(parts[1]);
            int patch = Integer.parseInt(parts[2]);
            return major == 10 && minor == 1 && patch >= 48
                    || major == 11 && minor == 0 && patch >= 22 && patch <= 29;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
