package dev.conduit.websocket.test;

import dev.conduit.websocket.CloseException;
import dev.conduit.websocket.Conn;
import dev.conduit.websocket.Message;
import dev.conduit.websocket.WebSocket;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.function.Predicate;

/**
 * One test connection: sends, and asserts on what the server sends back, each expectation waiting
 * at most the client's timeout. Failed expectations throw {@link AssertionError}.
 */
public final class TestConnection implements AutoCloseable {
    private final Conn conn;
    private final Duration timeout;

    TestConnection(Conn conn, Duration timeout) {
        this.conn = conn;
        this.timeout = timeout;
    }

    /** @return the underlying connection, for anything the assertions do not cover */
    public Conn conn() {
        return conn;
    }

    /**
     * @param text a text message to send
     * @return this connection
     * @throws IOException if the write fails
     */
    public TestConnection sendText(String text) throws IOException {
        conn.writeMessage(WebSocket.TEXT_MESSAGE, text.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /**
     * @param data a binary message to send
     * @return this connection
     * @throws IOException if the write fails
     */
    public TestConnection sendBinary(byte[] data) throws IOException {
        conn.writeMessage(WebSocket.BINARY_MESSAGE, data);
        return this;
    }

    /**
     * @param value sent as a JSON text message
     * @return this connection
     * @throws IOException if the write fails
     */
    public TestConnection sendJson(Object value) throws IOException {
        conn.writeJson(value);
        return this;
    }

    /**
     * @return the next message, which must be text
     * @throws IOException if reading fails
     */
    public String readText() throws IOException {
        Message m = next();
        if (m.messageType() != WebSocket.TEXT_MESSAGE) {
            throw new AssertionError("expected a text message, got a binary one of " + m.data().length + " bytes");
        }
        return new String(m.data(), StandardCharsets.UTF_8);
    }

    /**
     * @param expected the text the next message must have
     * @return this connection
     * @throws IOException if reading fails
     */
    public TestConnection expectText(String expected) throws IOException {
        String actual = readText();
        if (!actual.equals(expected)) {
            throw new AssertionError("expected text message \"" + expected + "\" but got \"" + actual + "\"");
        }
        return this;
    }

    /**
     * @param condition what the next text message must satisfy
     * @return this connection
     * @throws IOException if reading fails
     */
    public TestConnection expectTextMatching(Predicate<String> condition) throws IOException {
        String actual = readText();
        if (!condition.test(actual)) {
            throw new AssertionError("text message \"" + actual + "\" does not match");
        }
        return this;
    }

    /**
     * @param expected the bytes the next message must have (binary)
     * @return this connection
     * @throws IOException if reading fails
     */
    public TestConnection expectBinary(byte[] expected) throws IOException {
        Message m = next();
        if (m.messageType() != WebSocket.BINARY_MESSAGE || !Arrays.equals(m.data(), expected)) {
            throw new AssertionError("expected a binary message of " + expected.length + " bytes, got "
                    + (m.messageType() == WebSocket.BINARY_MESSAGE ? "other bytes" : "a text message"));
        }
        return this;
    }

    /**
     * @param type the type to read
     * @param <T> the type
     * @return the next message decoded from JSON
     * @throws IOException if reading or decoding fails
     */
    public <T> T readJson(Class<T> type) throws IOException {
        deadline();
        return conn.readJson(type);
    }

    /**
     * Sends a close with the code and waits for the server's close reply.
     *
     * @param code the close code
     * @return this connection
     * @throws IOException if the close cannot be sent
     */
    public TestConnection close(int code) throws IOException {
        conn.writeControl(WebSocket.CLOSE_MESSAGE, WebSocket.formatCloseMessage(code, ""), Instant.now().plus(timeout));
        return this;
    }

    /**
     * Asserts that the next thing the server sends is a close with this code (data messages before
     * it fail the assertion).
     *
     * @param code the expected close code, for example 1000 when the handler returned or 1011 when it failed
     * @throws IOException if reading fails other than by the close
     */
    public void expectClose(int code) throws IOException {
        try {
            Message m = next();
            throw new AssertionError("expected close " + code + " but got a " + (m.messageType() == WebSocket.TEXT_MESSAGE
                    ? "text message \"" + new String(m.data(), StandardCharsets.UTF_8) + "\"" : "binary message"));
        } catch (CloseException e) {
            if (e.code() != code) {
                throw new AssertionError("expected close " + code + " but got " + e.code() + " \"" + e.getMessage() + "\"", e);
            }
        }
    }

    /** Closes the transport without a closing handshake. */
    public void closeNow() {
        try {
            conn.close();
        } catch (IOException e) {
            // already gone
        }
    }

    @Override
    public void close() {
        closeNow();
    }

    private Message next() throws IOException {
        deadline();
        try {
            return conn.readMessage();
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server sent nothing within " + timeout, e);
        }
    }

    private void deadline() throws IOException {
        conn.setReadDeadline(Instant.now().plus(timeout));
    }
}
