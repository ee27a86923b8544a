package dev.conduit.conformance;

import dev.conduit.websocket.Conn;
import dev.conduit.websocket.spring.annotation.WebSocketEndpoint;
import java.io.IOException;
import org.springframework.stereotype.Component;

/**
 * gorilla's Autobahn layout as starter endpoints, added to the example app for the server-side
 * conformance cases: {@code /autobahn/m}, {@code /p}, {@code /r}, {@code /f}.
 */
@Component
public class AutobahnEndpoints {

    @WebSocketEndpoint(path = "/autobahn/m", maxMessageSize = Cases.READ_LIMIT)
    public void m(Conn conn) throws IOException {
        EchoAgent.M.run(conn);
    }

    @WebSocketEndpoint(path = "/autobahn/p", maxMessageSize = Cases.READ_LIMIT)
    public void p(Conn conn) throws IOException {
        EchoAgent.P.run(conn);
    }

    @WebSocketEndpoint(path = "/autobahn/r", maxMessageSize = Cases.READ_LIMIT)
    public void r(Conn conn) throws IOException {
        EchoAgent.R.run(conn);
    }

    @WebSocketEndpoint(path = "/autobahn/f", maxMessageSize = Cases.READ_LIMIT)
    public void f(Conn conn) throws IOException {
        EchoAgent.F.run(conn);
    }
}
