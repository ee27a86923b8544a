package dev.conduit.websocket.spring.security;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;

/**
 * The security context of the upgrade request in the handler's {@code SecurityContextHolder}, and
 * close 1008 when the handler is refused access, when Spring Security is on the class path (the
 * starter does not depend on it).
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(name = {"org.springframework.security.core.context.SecurityContextHolder",
        "dev.conduit.websocket.server.Upgrader"})
@ConditionalOnProperty(prefix = "conduit.websocket", name = "enabled", matchIfMissing = true)
public class ConduitWebSocketSecurityAutoConfiguration {

    /**
     * @param strategy the application's holder strategy, if it defines one
     * @return the propagator of the request's security context to handlers
     */
    @Bean
    @ConditionalOnMissingBean
    public SecurityContextPropagator conduitWebSocketSecurityContextPropagator(ObjectProvider<SecurityContextHolderStrategy> strategy) {
        return new SecurityContextPropagator(strategy.getIfUnique(SecurityContextHolder::getContextHolderStrategy));
    }

    /**
     * @return close 1008 for Spring Security's refusals inside a handler, instead of 1011
     */
    @Bean
    @ConditionalOnMissingBean
    public AccessDeniedCloseStatus conduitWebSocketAccessDeniedCloseStatus() {
        return new AccessDeniedCloseStatus();
    }
}
