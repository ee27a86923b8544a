package dev.conduit.websocket.spring.endpoint;

/**
 * Turns an exception a handler method throws into the close status the peer gets, for exceptions
 * that are an answer to the client rather than a failure of the server: an access-denied from a
 * {@code @PreAuthorize} service is close 1008 (policy violation), not 1011. Every bean of this type
 * applies to every endpoint, in order; the first status returned wins. An exception no bean maps
 * stays a handler failure: close 1011, a WARN and the {@code handler} error meter.
 */
@FunctionalInterface
public interface HandlerExceptionCloseStatus {

    /**
     * @param error what the handler method threw
     * @return the close status for it, or {@code null} when this bean does not map it
     */
    CloseStatus closeStatus(Throwable error);

    /**
     * A close frame's content.
     *
     * @param code the close code (1008, 4000-4999, ...)
     * @param reason the reason, at most 123 bytes in UTF-8
     */
    record CloseStatus(int code, String reason) {
    }
}
