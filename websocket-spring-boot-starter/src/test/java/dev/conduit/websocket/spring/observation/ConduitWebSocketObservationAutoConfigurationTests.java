package dev.conduit.websocket.spring.observation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.websocket.spring.endpoint.HandlerContextPropagator;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.servlet.HandlerMapping;

/** The observation needs an ObservationRegistry, can be turned off, and takes the application's convention. */
class ConduitWebSocketObservationAutoConfigurationTests {
    private final List<Observation.Context> stopped = new CopyOnWriteArrayList<>();
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ConduitWebSocketObservationAutoConfiguration.class));

    @Test
    void anApplicationConventionReplacesTheDefault() {
        ObservationRegistry registry = ObservationRegistry.create();
        registry.observationConfig().observationHandler(new ObservationHandler<>() {
            @Override
            public void onStop(Observation.Context context) {
                stopped.add(context);
            }

            @Override
            public boolean supportsContext(Observation.Context context) {
                return true;
            }
        });
        runner.withBean(ObservationRegistry.class, () -> registry)
                .withBean(WebSocketConnectionObservationConvention.class, () -> new WebSocketConnectionObservationConvention() {
                    @Override
                    public String getName() {
                        return "chat.connection";
                    }

                    @Override
                    public KeyValues getLowCardinalityKeyValues(WebSocketConnectionContext context) {
                        return KeyValues.of("room.template", context.getUri());
                    }
                })
                .run(context -> {
                    MockHttpServletRequest request = new MockHttpServletRequest();
                    request.setAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE, "/chat/{room}");
                    HandlerContextPropagator.Scope scope = context.getBean(ConnectionObservationPropagator.class).capture(request).restore();
                    scope.handlerEnded(null);
                    scope.close();
                    assertThat(stopped).singleElement().satisfies(c -> {
                        assertThat(c.getName()).isEqualTo("chat.connection");
                        assertThat(c.getLowCardinalityKeyValue("room.template").getValue()).isEqualTo("/chat/{room}");
                    });
                });
    }

    @Test
    void noneWithoutARegistryOrWhenTurnedOff() {
        runner.run(context -> assertThat(context).doesNotHaveBean(ConnectionObservationPropagator.class));
        runner.withBean(ObservationRegistry.class, ObservationRegistry::create)
                .withPropertyValues("conduit.websocket.observations.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(ConnectionObservationPropagator.class));
    }
}
