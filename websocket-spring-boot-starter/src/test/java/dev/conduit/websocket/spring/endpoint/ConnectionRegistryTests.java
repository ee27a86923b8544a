package dev.conduit.websocket.spring.endpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ConnectionRegistryTests {

    @Test
    void reservesUpToTheLimitAndGivesPlacesBack() {
        ConnectionRegistry registry = new ConnectionRegistry(2, Duration.ofSeconds(1));
        assertThat(registry.tryReserve()).isTrue();
        assertThat(registry.tryReserve()).isTrue();
        assertThat(registry.tryReserve()).isFalse();
        assertThat(registry.count()).isEqualTo(2);
        registry.cancelReservation();
        assertThat(registry.count()).isEqualTo(1);
        assertThat(registry.tryReserve()).isTrue();
    }

    @Test
    void stoppingRefusesNewConnectionsAndCallsBackWhenNoneAreOpen() throws Exception {
        ConnectionRegistry registry = new ConnectionRegistry(2, Duration.ofSeconds(1));
        registry.start();
        assertThat(registry.isRunning()).isTrue();
        CountDownLatch stopped = new CountDownLatch(1);
        registry.stop(stopped::countDown);
        assertThat(stopped.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(registry.isRunning()).isFalse();
        assertThat(registry.accepting()).isFalse();
        assertThat(registry.tryReserve()).isFalse();
    }

    @Test
    void stopsBeforeTheWebServersGracefulShutdown() {
        // Boot's GRACEFUL_SHUTDOWN_PHASE is DEFAULT_PHASE - 1024 on 3.5 and 4.0; higher phases stop first.
        assertThat(ConnectionRegistry.PHASE).isGreaterThan(org.springframework.context.SmartLifecycle.DEFAULT_PHASE - 1024);
    }

    @Test
    void needsAPositiveLimit() {
        assertThatIllegalArgumentException().isThrownBy(() -> new ConnectionRegistry(0, Duration.ZERO));
    }
}
