package dev.conduit.websocket.spring.observation;

import dev.conduit.websocket.CloseException;
import io.micrometer.observation.Observation;
import java.io.IOException;

/** What the observation of one connection knows: its endpoint's path template and how it ended. */
public class WebSocketConnectionContext extends Observation.Context {
    private final String uri;
    private Throwable failure;
    private boolean ended;

    /**
     * @param uri the endpoint's path template, for example {@code /chat/{room}}
     */
    public WebSocketConnectionContext(String uri) {
        this.uri = uri;
    }

    /** @return the endpoint's path template */
    public String getUri() {
        return uri;
    }

    /** @return what the handler threw, or {@code null} */
    public Throwable getFailure() {
        return failure;
    }

    void handlerEnded(Throwable failure) {
        this.failure = failure;
        this.ended = true;
    }

    /**
     * @return {@code SUCCESS} (the handler returned, or the peer closed with 1000 or 1001),
     *         {@code CLOSED} (the peer closed with another code), {@code ENDED} (the connection was
     *         lost: end of stream, timeout, read limit), {@code ERROR} (the handler failed), or
     *         {@code UNKNOWN} while the handler runs
     */
    public String getOutcome() {
        if (!ended) {
            return "UNKNOWN";
        }
        if (failure == null) {
            return "SUCCESS";
        }
        if (failure instanceof CloseException close) {
            return close.code() == 1000 || close.code() == 1001 ? "SUCCESS" : "CLOSED";
        }
        return failure instanceof IOException ? "ENDED" : "ERROR";
    }

    /**
     * @return the close code of the connection's end, bounded for use as a tag: {@code 1000} when
     *         the handler returned, the peer's code when it closed ({@code 3xxx} and {@code 4xxx}
     *         for the registered and private ranges), {@code 1011} when the handler failed,
     *         {@code none} when the connection was lost without a close frame
     */
    public String getCloseCode() {
        if (!ended) {
            return "none";
        }
        if (failure == null) {
            return "1000";
        }
        if (failure instanceof CloseException close) {
            int code = close.code();
            if (code >= 4000 && code <= 4999) {
                return "4xxx";
            }
            if (code >= 3000 && code <= 3999) {
                return "3xxx";
            }
            return code >= 1000 && code <= 1015 ? Integer.toString(code) : "other";
        }
        return failure instanceof IOException ? "none" : "1011";
    }
}
