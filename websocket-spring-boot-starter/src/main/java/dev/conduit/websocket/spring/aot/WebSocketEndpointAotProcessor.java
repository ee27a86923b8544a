package dev.conduit.websocket.spring.aot;

import dev.conduit.websocket.Conn;
import dev.conduit.websocket.spring.annotation.WebSocketEndpoint;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.springframework.aot.hint.ExecutableMode;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.ReflectionHints;
import org.springframework.beans.factory.aot.BeanRegistrationAotContribution;
import org.springframework.beans.factory.aot.BeanRegistrationAotProcessor;
import org.springframework.beans.factory.support.RegisteredBean;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ReflectionUtils;

/**
 * For every bean that declares {@code @WebSocketEndpoint} handlers, registers what the handler
 * mapping does by reflection at start-up and per connection: introspection of the bean's
 * methods (to find the handlers and their parameters' annotations) and invocation of each handler.
 */
public final class WebSocketEndpointAotProcessor implements BeanRegistrationAotProcessor {

    @Override
    public BeanRegistrationAotContribution processAheadOfTime(RegisteredBean registeredBean) {
        Class<?> type = registeredBean.getBeanClass();
        List<Method> handlers = handlerMethods(type);
        if (handlers.isEmpty()) {
            return null;
        }
        return (generationContext, code) -> {
            ReflectionHints reflection = generationContext.getRuntimeHints().reflection();
            reflection.registerType(type, MemberCategory.INTROSPECT_PUBLIC_METHODS, MemberCategory.INTROSPECT_DECLARED_METHODS);
            for (Method handler : handlers) {
                reflection.registerMethod(handler, ExecutableMode.INVOKE);
            }
        };
    }

    // The same methods the handler mapping routes to: annotated ones, or a class-level endpoint's methods with a Conn.
    static List<Method> handlerMethods(Class<?> type) {
        if (type.getName().startsWith("org.springframework.") || type.getName().startsWith("java.")) {
            return List.of();
        }
        List<Method> annotated = new ArrayList<>();
        try {
            for (Method method : ReflectionUtils.getUniqueDeclaredMethods(type, ReflectionUtils.USER_DECLARED_METHODS)) {
                if (AnnotatedElementUtils.hasAnnotation(method, WebSocketEndpoint.class)) {
                    annotated.add(method);
                }
            }
            if (annotated.isEmpty() && AnnotatedElementUtils.hasAnnotation(type, WebSocketEndpoint.class)) {
                Arrays.stream(type.getMethods())
                        .filter(m -> !Modifier.isStatic(m.getModifiers()) && m.getDeclaringClass() != Object.class)
                        .filter(m -> Arrays.asList(m.getParameterTypes()).contains(Conn.class))
                        .forEach(annotated::add);
            }
        } catch (LinkageError e) {
            return List.of(); // methods naming absent classes: the mapping cannot route them either
        }
        return annotated;
    }
}
