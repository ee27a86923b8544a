package dev.conduit.websocket.spring.autoconfigure;

import dev.conduit.websocket.spring.annotation.WebSocketEndpoint;
import java.lang.reflect.Method;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/** Whether any bean definition declares a {@code @WebSocketEndpoint}, decided before any bean exists. */
final class EndpointBeans {
    private EndpointBeans() {
    }

    static boolean declared(ConfigurableListableBeanFactory beanFactory) {
        for (String name : beanFactory.getBeanDefinitionNames()) {
            if (beanFactory.getBeanDefinition(name).getRole() == BeanDefinition.ROLE_INFRASTRUCTURE) {
                continue;
            }
            try {
                Class<?> type = beanFactory.getType(name, false); // predicted: nothing is instantiated
                if (type != null && declares(ClassUtils.getUserClass(type))) {
                    return true;
                }
            } catch (RuntimeException | LinkageError e) {
                // A type that cannot be predicted or whose methods name absent classes declares no endpoint we can route.
            }
        }
        return false;
    }

    static boolean declares(Class<?> type) {
        if (type.getName().startsWith("org.springframework.") || type.getName().startsWith("java.")) {
            return false;
        }
        if (AnnotatedElementUtils.hasAnnotation(type, WebSocketEndpoint.class)) {
            return true;
        }
        for (Method method : ReflectionUtils.getUniqueDeclaredMethods(type, ReflectionUtils.USER_DECLARED_METHODS)) {
            if (AnnotatedElementUtils.hasAnnotation(method, WebSocketEndpoint.class)) {
                return true;
            }
        }
        return false;
    }
}
