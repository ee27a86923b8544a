package dev.conduit.websocket.spring.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.websocket.spring.endpoint.HandlerContextPropagator;
import dev.conduit.websocket.spring.endpoint.HandlerExceptionCloseStatus;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;

/** The request thread's context reaches another thread for the handler's duration only. */
class SecurityContextPropagatorTests {
    private final SecurityContextHolderStrategy strategy = SecurityContextHolder.getContextHolderStrategy();

    @AfterEach
    void clear() {
        strategy.clearContext();
    }

    @Test
    void theRequestsAuthenticationIsInTheHandlerThreadsHolderDuringTheHandlerAndClearedAfter() throws Exception {
        Authentication alice = UsernamePasswordAuthenticationToken.authenticated("alice", null, java.util.List.of());
        strategy.getContext().setAuthentication(alice);
        HandlerContextPropagator.Snapshot snapshot = new SecurityContextPropagator(strategy).capture(new MockHttpServletRequest());
        strategy.clearContext(); // the request ends: its filters clear the request thread

        AtomicReference<Authentication> during = new AtomicReference<>();
        AtomicReference<Authentication> after = new AtomicReference<>();
        CompletableFuture.runAsync(() -> {
            try (HandlerContextPropagator.Scope scope = snapshot.restore()) {
                during.set(strategy.getContext().getAuthentication());
            }
            after.set(strategy.getContext().getAuthentication());
        }, r -> new Thread(r).start()).get();

        assertThat(during.get()).isSameAs(alice);
        assertThat(after.get()).isNull();
    }

    @Test
    void aRequestWithoutAuthenticationPropagatesNothing() {
        assertThat(new SecurityContextPropagator(strategy).capture(new MockHttpServletRequest()))
                .isSameAs(HandlerContextPropagator.Snapshot.NONE);
    }

    @Test
    void onlyWithSpringSecurityOnTheClassPath() {
        WebApplicationContextRunner runner = new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ConduitWebSocketSecurityAutoConfiguration.class));
        runner.run(context -> assertThat(context).hasSingleBean(SecurityContextPropagator.class)
                .hasSingleBean(AccessDeniedCloseStatus.class));
        runner.withClassLoader(new FilteredClassLoader("org.springframework.security"))
                .run(context -> assertThat(context).doesNotHaveBean(SecurityContextPropagator.class)
                        .doesNotHaveBean(AccessDeniedCloseStatus.class));
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ConduitWebSocketSecurityAutoConfiguration.class))
                .run(context -> assertThat(context).doesNotHaveBean(SecurityContextPropagator.class));
    }

    @Test
    void springSecuritysRefusalsArePolicyViolationsAndOtherExceptionsStayFailures() {
        AccessDeniedCloseStatus statuses = new AccessDeniedCloseStatus();
        assertThat(statuses.closeStatus(new org.springframework.security.access.AccessDeniedException("no")))
                .isEqualTo(new HandlerExceptionCloseStatus.CloseStatus(1008, "access denied"));
        assertThat(statuses.closeStatus(
                new org.springframework.security.authentication.AuthenticationCredentialsNotFoundException("none")))
                .isEqualTo(new HandlerExceptionCloseStatus.CloseStatus(1008, "not authenticated"));
        assertThat(statuses.closeStatus(new IllegalStateException("bug"))).isNull();
    }
}
