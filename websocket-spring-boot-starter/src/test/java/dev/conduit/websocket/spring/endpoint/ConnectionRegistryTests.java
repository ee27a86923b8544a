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
        ConnectionRegistry.Reservation first = registry.tryReserve();
        assertThat(first).isNotNull();
        assertThat(registry.tryReserve()).isNotNull();
        assertThat(registry.tryReserve()).isNull();
        assertThat(registry.count()).isEqualTo(2);
        registry.cancel(first);
        registry.cancel(first); // once only
        assertThat(registry.count()).isEqualTo(1);
        assertThat(registry.tryReserve()).isNotNull();
    }

    @Test
    void aReservationWhoseHandlerNeverStartsIsGivenBackAtTheLimit() {
        ConnectionRegistry registry = new ConnectionRegistry(1, Duration.ofSeconds(1), Duration.ZERO);
        ConnectionRegistry.Reservation lost = registry.tryReserve();
        assertThat(lost).isNotNull();
        // At the limit the stale reservation (handover timeout 0) is expired and its place reused.
        assertThat(registry.tryReserve()).isNotNull();
        assertThat(registry.count()).isEqualTo(1);
    }

    @Test
    void keepsReservationsWithinTheHandoverTimeout() {
        ConnectionRegistry registry = new ConnectionRegistry(1, Duration.ofSeconds(1), Duration.ofHours(1));
        assertThat(registry.tryReserve()).isNotNull();
        assertThat(registry.tryReserve()).isNull();
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
        assertThat(registry.tryReserve()).isNull();
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
