package dev.conduit.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.conduit.example.ExampleApplication;
import java.net.Socket;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The case catalogue against the server: the example app with gorilla's Autobahn endpoints, a raw
 * socket client sending each case's frames. Compression runs with context takeover both ways (as
 * gorilla and Autobahn's 12.x/13.x cases expect), not the starter's default of none, so that the
 * stateful path is the one the catalogue exercises.
 */
@SpringBootTest(classes = {ExampleApplication.class, ConformanceServerConfig.class},
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {"server.address=127.0.0.1",
                "conduit.websocket.compression.server-no-context-takeover=false",
                "conduit.websocket.compression.client-no-context-takeover=false"})
class ServerConformanceTest {
    static final Summary SUMMARY = new Summary("server");
    private static final List<ConformanceCase> CASES = Cases.all();

    @Value("${local.server.port}")
    int port;

    @TestFactory
    Stream<DynamicContainer> autobahnAgents() {
        return Stream.of(EchoAgent.values()).map(agent -> DynamicContainer.dynamicContainer(agent.path,
                CASES.stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> run(agent, c)))));
    }

    private void run(EchoAgent agent, ConformanceCase c) throws Exception {
        boolean passed = false;
        try {
            Socket socket = RawClient.connect(port);
            RawClient.Upgraded up = RawClient.upgrade(socket, port, agent.path, c.offer());
            String answer = up.response().header("Sec-WebSocket-Extensions");
            if (c.offer() != null) {
                assertThat(RawClient.normalize(answer)).as("answer to the offer %s", c.offer()).isEqualTo(RawClient.normalize(c.answer()));
            }
            PeerDeflate deflate = answer == null ? null : new PeerDeflate(answer, true);
            Received r = new RawPeer(socket, up.in(), true, deflate).run(c, Cases.READ_TIMEOUT_MILLIS);
            List<String> differences = new java.util.ArrayList<>(r.differences(c.expected()));
            if (deflate != null && r.compressedMessages != r.messages.size()) {
                differences.add(r.compressedMessages + " of " + r.messages.size() + " echoes compressed, expected all");
            }
            assertThat(differences).as("case %s on %s", c, agent.path).isEmpty();
            passed = true;
        } finally {
            SUMMARY.record(agent.path, c.section(), passed);
        }
    }

    @AfterAll
    static void summary() throws Exception {
        SUMMARY.print();
    }
}
