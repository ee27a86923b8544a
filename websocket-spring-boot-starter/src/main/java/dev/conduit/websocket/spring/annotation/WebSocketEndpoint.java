package dev.conduit.websocket.spring.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.core.annotation.AliasFor;

/**
 * Maps a WebSocket handler to a path. The handler runs once per connection, on the thread that
 * serves the connection, and the connection ends when it returns.
 *
 * <p>On a method of a Spring bean:
 * <pre>{@code
 * @Component
 * class Echo {
 *     @WebSocketEndpoint("/echo")
 *     void echo(Conn conn) throws IOException {
 *         while (true) {
 *             Message m = conn.readMessage();
 *             conn.writeMessage(m.messageType(), m.data());
 *         }
 *     }
 * }
 * }</pre>
 *
 * <p>On a bean class, the handler is the class's only public method with a {@code Conn} parameter
 * (start-up fails if there is none or more than one).
 *
 * <p>The handler's parameters may be, in any order:
 * <ul>
 *   <li>{@link dev.conduit.websocket.Conn} (required): the connection;</li>
 *   <li>{@link dev.conduit.websocket.spring.endpoint.HandshakeInfo}: what the upgrade request
 *       carried (URI, headers, query, remote address); the Servlet request itself cannot be used
 *       after the upgrade;</li>
 *   <li>{@link dev.conduit.websocket.spring.endpoint.ConnectionAttributes}: the connection's
 *       attributes (its id, and bounded strings the handler sets) that the
 *       {@code WebSocketConnections} bean and the {@code websocketconnections} Actuator endpoint show;</li>
 *   <li>a parameter annotated with Spring's
 *       {@link org.springframework.web.bind.annotation.PathVariable @PathVariable}: one variable of
 *       the path, converted to the parameter's type, or all of them as a {@code Map<String, String>};</li>
 *   <li>{@link java.security.Principal} (or a subtype such as Spring Security's
 *       {@code Authentication}): the authenticated user of the upgrade request, or {@code null}.</li>
 * </ul>
 *
 * <p>When the handler returns, the connection is closed with 1000. When it throws, the connection
 * is closed with 1011; an exception that is not an {@link java.io.IOException} (an application
 * error) is logged at WARN, an {@code IOException} (the connection ended or failed) at DEBUG.
 * Two endpoints mapped to the same path make start-up fail.
 */
@Target({ElementType.METHOD, ElementType.TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface WebSocketEndpoint {

    /**
     * The value of {@link #compressionLevel()} that means {@code conduit.websocket.compression.level}.
     */
    int INHERITED_COMPRESSION_LEVEL = -3;

    /**
     * Alias for {@link #path()}.
     *
     * @return the path pattern
     */
    @AliasFor("path")
    String value() default "";

    /**
     * The path, relative to the application's context path, as a Spring
     * {@link org.springframework.web.util.pattern.PathPattern}: {@code /rooms/{room}} captures a
     * path variable.
     *
     * @return the path pattern
     */
    @AliasFor("value")
    String path() default "";

    /**
     * The subprotocols this endpoint supports, in the server's order of preference; the first one
     * the client also offers is chosen. Empty means {@code conduit.websocket.subprotocols}.
     *
     * @return the subprotocols
     */
    String[] subprotocols() default {};

    /**
     * Origin patterns (as in {@code conduit.websocket.allowed-origins}) accepted by this endpoint.
     * Empty means the global setting, whose default accepts only same-origin requests and requests
     * without an {@code Origin} header.
     *
     * @return the allowed origin patterns
     */
    String[] allowedOrigins() default {};

    /**
     * The largest message, in bytes, the handler may read; a larger one closes the connection with
     * 1009. A negative value means {@code conduit.websocket.max-message-size}; 0 means no limit for
     * uncompressed messages (a compressed one is still bounded at 16 MiB inflated, as every
     * connection without a read limit; {@code Long.MAX_VALUE} lifts that too).
     *
     * @return the read limit in bytes
     */
    long maxMessageSize() default -1;

    /**
     * Whether this endpoint accepts per-message compression (permessage-deflate) when the client
     * offers it: {@link Compression#DEFAULT} follows {@code conduit.websocket.compression.enabled};
     * {@link Compression#ENABLED} and {@link Compression#DISABLED} override it. The other compression
     * settings (context takeover, minimum size) come from {@code conduit.websocket.compression.*}.
     *
     * @return whether to negotiate compression
     */
    Compression compression() default Compression.DEFAULT;

    /**
     * The initial compression level of this endpoint's connections, -2 (Huffman only) to 9, when
     * compression is negotiated; it does not enable compression by itself.
     * {@link #INHERITED_COMPRESSION_LEVEL} (the default) means
     * {@code conduit.websocket.compression.level}; any other value outside -2 to 9 fails start-up.
     *
     * @return the compression level
     */
    int compressionLevel() default INHERITED_COMPRESSION_LEVEL;
}
