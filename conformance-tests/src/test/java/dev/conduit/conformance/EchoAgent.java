package dev.conduit.conformance;

import dev.conduit.websocket.Conn;
import dev.conduit.websocket.Message;
import dev.conduit.websocket.MessageReader;
import dev.conduit.websocket.PreparedMessage;
import java.io.IOException;
import java.io.OutputStream;

/**
 * gorilla's Autobahn agents (examples/autobahn/server.go), one per way of using the Conn API. Unlike
 * gorilla's example they do not validate UTF-8 themselves: the library must.
 */
enum EchoAgent {
    /** {@code /m}: readMessage, then writeMessage. */
    M("m") {
        @Override
        void echoOne(Conn conn) throws IOException {
            Message m = conn.readMessage();
            conn.writeMessage(m.messageType(), m.data());
        }
    },
    /** {@code /p}: readMessage, then writePreparedMessage. */
    P("p") {
        @Override
        void echoOne(Conn conn) throws IOException {
            Message m = conn.readMessage();
            conn.writePreparedMessage(new PreparedMessage(m.messageType(), m.data()));
        }
    },
    /** {@code /r}: readMessage, then nextWriter / write / close. */
    R("r") {
        @Override
        void echoOne(Conn conn) throws IOException {
            Message m = conn.readMessage();
            try (OutputStream w = conn.nextWriter(m.messageType())) {
                w.write(m.data());
            }
        }
    },
    /** {@code /f}: nextReader copied into nextWriter as it arrives. */
    F("f") {
        @Override
        void echoOne(Conn conn) throws IOException {
            MessageReader r = conn.nextReader();
            try (OutputStream w = conn.nextWriter(r.messageType())) {
                r.reader().transferTo(w);
            }
        }
    };

    final String path;

    EchoAgent(String name) {
        this.path = "/autobahn/" + name;
    }

    abstract void echoOne(Conn conn) throws IOException;

    /** Echoes until the connection ends; the error that ends it is the caller's to judge. */
    void run(Conn conn) throws IOException {
        while (true) {
            echoOne(conn);
        }
    }
}
