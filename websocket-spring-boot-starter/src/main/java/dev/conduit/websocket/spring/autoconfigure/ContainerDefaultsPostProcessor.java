package dev.conduit.websocket.spring.autoconfigure;

import org.springframework.beans.factory.BeanClassLoaderAware;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;

/**
 * Resolves the {@link ConnectionLimits} before any bean is created and adds the container
 * defaults they need (thread pool or socket limit), so that the web server is built with them;
 * only when the application declares at least one {@code @WebSocketEndpoint}.
 * A bean-factory post-processor rather than an {@code EnvironmentPostProcessor}, whose package
 * differs between Boot 3.5 and 4.0.
 */
public class ContainerDefaultsPostProcessor implements BeanFactoryPostProcessor, EnvironmentAware, BeanClassLoaderAware, Ordered {
    /** The bean name under which the resolved {@link ConnectionLimits} are registered. */
    public static final String LIMITS_BEAN = "conduitWebSocketConnectionLimits";

    private Environment environment;
    private ClassLoader classLoader;

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void setBeanClassLoader(ClassLoader classLoader) {
        this.classLoader = classLoader;
    }

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
        if (!(environment instanceof ConfigurableEnvironment configurable) || beanFactory.containsBean(LIMITS_BEAN)) {
            return;
        }
        ConnectionLimits limits = ConnectionLimits.resolve(configurable, classLoader);
        if (EndpointBeans.declared(beanFactory)) {
            limits.applyDefaults(configurable);
        } else {
            // Without an endpoint the container keeps the application's settings untouched.
            limits = limits.withoutDefaults();
        }
        beanFactory.registerSingleton(LIMITS_BEAN, limits);
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
