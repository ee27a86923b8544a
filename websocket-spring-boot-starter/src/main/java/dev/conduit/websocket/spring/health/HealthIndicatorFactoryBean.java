package dev.conduit.websocket.spring.health;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.beans.factory.FactoryBean;
import org.springframework.util.ClassUtils;

/**
 * Makes a {@link WebSocketsHealth} a {@code HealthIndicator} of the Boot line that runs: Boot 3.5
 * has it in {@code org.springframework.boot.actuate.health}, Boot 4.0 in
 * {@code org.springframework.boot.health.contributor}; the same method names on both. One starter
 * jar serves both lines, so neither is named in a signature.
 */
// <T> unbounded, not FactoryBean<Object>: on an AOT-processed context the bean definition carries
// only this class, and a resolvable generic (Object) would be taken as the object type without
// asking getObjectType(), so no HealthContributor lookup would find the indicator.
final class HealthIndicatorFactoryBean<T> implements FactoryBean<T> {
    static final String BOOT4_PACKAGE = "org.springframework.boot.health.contributor.";
    static final String BOOT3_PACKAGE = "org.springframework.boot.actuate.health.";

    private final Supplier<WebSocketsHealth> health;
    private final Class<?> indicatorType;
    private final Method status;
    private final Method withDetails;
    private final Method build;

    // The health is looked up at each call: the factory's type is needed while beans are still being matched.
    HealthIndicatorFactoryBean(Supplier<WebSocketsHealth> health, ClassLoader classLoader) {
        this.health = health;
        String pkg = packageOnClassPath(classLoader);
        if (pkg == null) {
            throw new IllegalStateException("Neither Boot 3.5's nor Boot 4.0's HealthIndicator is on the class path");
        }
        try {
            this.indicatorType = ClassUtils.forName(pkg + "HealthIndicator", classLoader);
            Class<?> healthType = ClassUtils.forName(pkg + "Health", classLoader);
            Class<?> builderType = ClassUtils.forName(pkg + "Health$Builder", classLoader);
            this.status = healthType.getMethod("status", String.class);
            this.withDetails = builderType.getMethod("withDetails", Map.class);
            this.build = builderType.getMethod("build");
        } catch (ClassNotFoundException | NoSuchMethodException e) {
            throw new IllegalStateException("Boot's health API is not the expected one", e);
        }
    }

    /** @return the package of the HealthIndicator on the class path, Boot 4.0's first, or {@code null} */
    static String packageOnClassPath(ClassLoader classLoader) {
        if (ClassUtils.isPresent(BOOT4_PACKAGE + "HealthIndicator", classLoader)) {
            return BOOT4_PACKAGE;
        }
        return ClassUtils.isPresent(BOOT3_PACKAGE + "HealthIndicator", classLoader) ? BOOT3_PACKAGE : null;
    }

    @Override
    @SuppressWarnings("unchecked")
    public T getObject() {
        InvocationHandler handler = (proxy, method, args) -> {
            if (method.getName().equals("health") && method.getParameterCount() == 0) {
                WebSocketsHealth current = health.get();
                Object builder = status.invoke(null, current.status());
                builder = withDetails.invoke(builder, current.details());
                return build.invoke(builder);
            }
            if (method.isDefault()) {
                return InvocationHandler.invokeDefault(proxy, method, args);
            }
            return switch (method.getName()) {
                case "toString" -> "websockets health indicator";
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == args[0];
                default -> throw new UnsupportedOperationException(method.toString());
            };
        };
        return (T) Proxy.newProxyInstance(indicatorType.getClassLoader(), new Class<?>[] {indicatorType}, handler);
    }

    @Override
    public Class<?> getObjectType() {
        return indicatorType;
    }
}
