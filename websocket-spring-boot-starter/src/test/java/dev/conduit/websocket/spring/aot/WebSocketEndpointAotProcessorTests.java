package dev.conduit.websocket.spring.aot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.websocket.Conn;
import dev.conduit.websocket.spring.annotation.WebSocketEndpoint;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.aot.generate.ClassNameGenerator;
import org.springframework.aot.generate.DefaultGenerationContext;
import org.springframework.aot.generate.InMemoryGeneratedFiles;
import org.springframework.aot.hint.ExecutableHint;
import org.springframework.aot.hint.ExecutableMode;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.TypeHint;
import org.springframework.context.aot.ApplicationContextAotGenerator;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.javapoet.ClassName;
import org.springframework.web.bind.annotation.PathVariable;

/** Spring's AOT processing of a context with endpoints gives each handler method an invocation hint. */
class WebSocketEndpointAotProcessorTests {

    @Test
    void everyHandlerMethodIsRegisteredForInvocationAndItsBeanForIntrospection() {
        GenericApplicationContext context = new GenericApplicationContext();
        context.registerBean("methods", MethodEndpoints.class);
        context.registerBean("whole", WholeEndpoint.class);
        context.registerBean("plain", Plain.class);
        DefaultGenerationContext generation = new DefaultGenerationContext(
                new ClassNameGenerator(ClassName.get("com.example", "App")), new InMemoryGeneratedFiles());
        new ApplicationContextAotGenerator().processAheadOfTime(context, generation);
        RuntimeHints hints = generation.getRuntimeHints();

        assertThat(invoked(hints, MethodEndpoints.class)).containsExactlyInAnyOrder("echo", "room");
        assertThat(invoked(hints, WholeEndpoint.class)).containsExactly("serve");
        TypeHint plain = hints.reflection().getTypeHint(Plain.class); // Spring's own hint for the bean's constructor
        assertThat(plain == null ? List.of() : plain.methods().toList()).isEmpty();
    }

    private static List<String> invoked(RuntimeHints hints, Class<?> type) {
        TypeHint hint = hints.reflection().getTypeHint(type);
        assertThat(hint).as(type.getName()).isNotNull();
        return hint.methods().filter(m -> m.getMode() == ExecutableMode.INVOKE).map(ExecutableHint::getName).collect(Collectors.toList());
    }

    /** Endpoints on methods. */
    public static class MethodEndpoints {
        @WebSocketEndpoint("/echo")
        public void echo(Conn conn) {
        }

        @WebSocketEndpoint("/rooms/{room}")
        public void room(Conn conn, @PathVariable String room) {
        }

        public void notAnEndpoint(Conn conn) {
        }
    }

    /** An endpoint on the class. */
    @WebSocketEndpoint("/whole")
    public static class WholeEndpoint {
        public void serve(Conn conn) {
        }
    }

    /** No endpoint. */
    public static class Plain {
        public void work() {
        }
    }
}
