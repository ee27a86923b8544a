package dev.conduit.websocket.spring.endpoint;

import dev.conduit.websocket.Conn;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.security.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.MethodParameter;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.core.convert.ConversionService;
import org.springframework.core.convert.TypeDescriptor;
import org.springframework.util.ReflectionUtils;
import org.springframework.web.bind.annotation.PathVariable;

/**
 * A {@code @WebSocketEndpoint} handler method with its parameters resolved once at start-up: each
 * parameter is bound to the connection, the handshake snapshot, the connection's attributes, a path
 * variable or the principal.
 */
public final class EndpointMethod {
    private static final ParameterNameDiscoverer NAMES = new DefaultParameterNameDiscoverer();

    private final Object bean;
    private final Method method;
    private final List<ArgumentSource> arguments;

    private EndpointMethod(Object bean, Method method, List<ArgumentSource> arguments) {
        this.bean = bean;
        this.method = method;
        this.arguments = arguments;
    }

    /**
     * Checks the method's parameters against the path's variables.
     *
     * @param bean the bean the method is called on
     * @param method the handler method
     * @param pathVariableNames the variables the endpoint's path pattern captures
     * @param conversionService converts path variables to the parameters' types
     * @return the resolved method
     * @throws IllegalStateException if a parameter cannot be supplied, naming the method
     */
    public static EndpointMethod of(Object bean, Method method, Set<String> pathVariableNames,
            ConversionService conversionService) {
        if (Modifier.isStatic(method.getModifiers())) {
            throw new IllegalStateException("@WebSocketEndpoint method " + describe(method) + " must not be static");
        }
        List<ArgumentSource> sources = new ArrayList<>();
        int conns = 0;
        for (int i = 0; i < method.getParameterCount(); i++) {
            MethodParameter parameter = new MethodParameter(method, i);
            parameter.initParameterNameDiscovery(NAMES);
            Class<?> type = parameter.getParameterType();
            PathVariable pathVariable = parameter.getParameterAnnotation(PathVariable.class);
            if (type == Conn.class) {
                conns++;
                sources.add((conn, info, attributes) -> conn);
            } else if (type == HandshakeInfo.class) {
                sources.add((conn, info, attributes) -> info);
            } else if (type == ConnectionAttributes.class) {
                sources.add((conn, info, attributes) -> attributes);
            } else if (pathVariable != null && Map.class.isAssignableFrom(type)) {
                sources.add((conn, info, attributes) -> info.pathVariables());
            } else if (pathVariable != null) {
                sources.add(pathVariableSource(method, parameter, pathVariable, pathVariableNames, conversionService));
            } else if (Principal.class.isAssignableFrom(type)) {
                sources.add((conn, info, attributes) -> type.isInstance(info.principal()) ? info.principal() : null);
            } else {
                throw new IllegalStateException("@WebSocketEndpoint method " + describe(method) + ": cannot supply parameter "
                        + i + " of type " + type.getName() + " (supported: Conn, HandshakeInfo, ConnectionAttributes, Principal, @PathVariable)");
            }
        }
        if (conns != 1) {
            throw new IllegalStateException("@WebSocketEndpoint method " + describe(method)
                    + " must have exactly one parameter of type " + Conn.class.getName() + ", found " + conns);
        }
        ReflectionUtils.makeAccessible(method);
        return new EndpointMethod(bean, method, List.copyOf(sources));
    }

    private static ArgumentSource pathVariableSource(Method method, MethodParameter parameter, PathVariable annotation,
            Set<String> pathVariableNames, ConversionService conversionService) {
        String name = !annotation.name().isEmpty() ? annotation.name()
                : !annotation.value().isEmpty() ? annotation.value() : parameter.getParameterName();
        if (name == null) {
            throw new IllegalStateException("@WebSocketEndpoint method " + describe(method)
                    + ": name the @PathVariable or compile with -parameters");
        }
        if (!pathVariableNames.contains(name)) {
            throw new IllegalStateException("@WebSocketEndpoint method " + describe(method) + ": @PathVariable '" + name
                    + "' is not a variable of the endpoint's path (variables: " + pathVariableNames + ")");
        }
        TypeDescriptor target = new TypeDescriptor(parameter);
        if (!conversionService.canConvert(TypeDescriptor.valueOf(String.class), target)) {
            throw new IllegalStateException("@WebSocketEndpoint method " + describe(method) + ": cannot convert path variable '"
                    + name + "' to " + target);
        }
        return (conn, info, attributes) -> conversionService.convert(info.pathVariables().get(name), TypeDescriptor.valueOf(String.class), target);
    }

    /**
     * Calls the method for one connection.
     *
     * @param conn the connection
     * @param info the handshake snapshot
     * @throws Exception whatever the handler threw
     */
    public void invoke(Conn conn, HandshakeInfo info) throws Exception {
        invoke(conn, info, null);
    }

    /**
     * Calls the method for one connection.
     *
     * @param conn the connection
     * @param info the handshake snapshot
     * @param attributes the connection's attributes in the registry, or {@code null} when it is not
     *        registered (a {@link ConnectionAttributes} parameter then gets attributes nobody sees)
     * @throws Exception whatever the handler threw
     */
    public void invoke(Conn conn, HandshakeInfo info, ConnectionAttributes attributes) throws Exception {
        invokeWith(arguments(conn, info, attributes));
    }

    /**
     * Resolves the method's arguments for one connection ahead of the call, so that what the method
     * does not ask for (the handshake snapshot, usually) need not be kept while it runs.
     *
     * @param conn the connection
     * @param info the handshake snapshot
     * @param attributes the connection's attributes in the registry, or {@code null} when it is not
     *        registered (a {@link ConnectionAttributes} parameter then gets attributes nobody sees)
     * @return the arguments, for {@link #invokeWith}
     */
    public Object[] arguments(Conn conn, HandshakeInfo info, ConnectionAttributes attributes) {
        ConnectionAttributes own = attributes != null ? attributes : new ConnectionAttributes(null);
        Object[] args = new Object[arguments.size()];
        for (int i = 0; i < args.length; i++) {
            args[i] = arguments.get(i).resolve(conn, info, own);
        }
        return args;
    }

    /**
     * Calls the method with arguments from {@link #arguments}.
     *
     * @param args the arguments
     * @throws Exception whatever the handler threw
     */
    public void invokeWith(Object[] args) throws Exception {
        try {
            method.invoke(bean, args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception exception) {
                throw exception;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    /** @return the method */
    public Method method() {
        return method;
    }

    @Override
    public String toString() {
        return describe(method);
    }

    static String describe(Method method) {
        StringBuilder s = new StringBuilder(method.getDeclaringClass().getName()).append('#').append(method.getName()).append('(');
        Class<?>[] types = method.getParameterTypes();
        for (int i = 0; i < types.length; i++) {
            s.append(i == 0 ? "" : ", ").append(types[i].getSimpleName());
        }
        return s.append(')').toString();
    }

    @FunctionalInterface
    private interface ArgumentSource {
        Object resolve(Conn conn, HandshakeInfo info, ConnectionAttributes attributes);
    }
}
