package dev.conduit.websocket.spring.metrics;

import dev.conduit.websocket.ConnListener;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Micrometer meters for WebSocket connections, made from {@link ConnListener} events. One instance
 * per registry and side; {@link #listener(String)} gives the listener of one route, to set on an
 * {@code Upgrader} or a {@code Dialer}:
 * <pre>{@code
 * WebSocketMeters meters = WebSocketMeters.client(registry);
 * Dialer dialer = Dialer.builder().listener(meters.listener("/quotes/{symbol}")).build();
 * }</pre>
 * The Spring Boot starter does this for every {@code @WebSocketEndpoint} on the server side.
 *
 * <p>Meters, all tagged {@code uri} (the route template given to {@link #listener(String)}, never a
 * raw path, so that the number of series stays bounded), under the prefix {@code websocket.server}
 * or {@code websocket.client}:
 * <ul>
 *   <li>{@code connections.active} (gauge, connections): connections open now;</li>
 *   <li>{@code connection.duration} (timer): the life of each connection, recorded when it ends;</li>
 *   <li>{@code upgrades} (counter) tagged {@code outcome} ({@code success}, {@code refused}: an
 *       HTTP answer other than 101, {@code failed}: no valid answer) and {@code status} (the HTTP
 *       status, {@code none} when there was none);</li>
 *   <li>{@code messages.received}, {@code messages.sent} (distribution summaries, bytes) tagged
 *       {@code type} = {@code text}|{@code binary}: count and payload bytes of whole messages;</li>
 *   <li>{@code pings}, {@code pongs} (counters) tagged {@code direction} = {@code sent}|{@code received};</li>
 *   <li>{@code closes} (counter) tagged {@code code} (1000 to 1015 exactly, {@code 3xxx},
 *       {@code 4xxx}, {@code other}) and {@code initiator} = {@code local}|{@code remote}|{@code abnormal};</li>
 *   <li>{@code errors} (counter) tagged {@code kind} = {@code protocol}|{@code invalid_utf8}|
 *       {@code message_too_big}|{@code timeout}|{@code io}|{@code handler}|{@code transport} (the server
 *       could not set up an upgraded connection's transport, a failed takeover of Tomcat's channel).</li>
 * </ul>
 * Instances are thread-safe; listeners are cached per route, so asking twice for one route gives
 * the same listener (a gauge can only be registered once per name and tags).
 */
public final class WebSocketMeters {
    /** The prefix of server-side meters. */
    public static final String SERVER_PREFIX = "websocket.server";
    /** The prefix of client-side meters. */
    public static final String CLIENT_PREFIX = "websocket.client";

    private final MeterRegistry registry;
    private final String prefix;
    private final Tags extraTags;
    private final ConcurrentMap<String, RouteMeters> routes = new ConcurrentHashMap<>();

    private WebSocketMeters(MeterRegistry registry, String prefix, Iterable<Tag> extraTags) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.prefix = prefix;
        this.extraTags = Tags.of(extraTags);
    }

    /**
     * @param registry where the meters go
     * @return meters named {@code websocket.server.*}
     */
    public static WebSocketMeters server(MeterRegistry registry) {
        return new WebSocketMeters(registry, SERVER_PREFIX, Tags.empty());
    }

    /**
     * @param registry where the meters go
     * @return meters named {@code websocket.client.*}
     */
    public static WebSocketMeters client(MeterRegistry registry) {
        return new WebSocketMeters(registry, CLIENT_PREFIX, Tags.empty());
    }

    /**
     * @param registry where the meters go
     * @param extraTags tags added to every meter, with bounded values (for example the target service)
     * @return meters named {@code websocket.client.*}
     */
    public static WebSocketMeters client(MeterRegistry registry, Iterable<Tag> extraTags) {
        return new WebSocketMeters(registry, CLIENT_PREFIX, extraTags);
    }

    /**
     * The listener of one route: registers the route's meters on first use.
     *
     * @param uri the route template, for example {@code /rooms/{room}}; never a raw path with ids in it
     * @return the route's listener, shared by all its connections
     */
    public ConnListener listener(String uri) {
        Objects.requireNonNull(uri, "uri");
        return routes.computeIfAbsent(uri, u -> new RouteMeters(registry, prefix, extraTags.and("uri", u)));
    }

    /** @return the meter name prefix, {@value #SERVER_PREFIX} or {@value #CLIENT_PREFIX} */
    public String prefix() {
        return prefix;
    }
}
