package dev.conduit.websocket.spring.autoconfigure;

import dev.conduit.websocket.ConnListener;
import dev.conduit.websocket.JsonCodec;
import dev.conduit.websocket.server.Upgrader;
import dev.conduit.websocket.spring.endpoint.UpgraderFactory;
import java.util.List;

/**
 * Builds {@link Upgrader}s from {@link ConduitWebSocketProperties}, the application's
 * {@link JsonCodec} and its {@link ConnListener}, if any. The only class that calls the Upgrader's
 * setters.
 */
public class PropertiesUpgraderFactory implements UpgraderFactory {
    private final ConduitWebSocketProperties properties;
    private final JsonCodec jsonCodec;
    private final ConnListener listener;

    /**
     * @param properties the settings
     * @param jsonCodec the JSON codec for readJson/writeJson
     * @param listener the connection listener, or {@code null}
     */
    public PropertiesUpgraderFactory(ConduitWebSocketProperties properties, JsonCodec jsonCodec, ConnListener listener) {
        this.properties = properties;
        this.jsonCodec = jsonCodec;
        this.listener = listener;
    }

    @Override
    public Upgrader create(List<String> subprotocols, List<String> allowedOrigins) {
        Upgrader upgrader = new Upgrader();
        upgrader.setHandshakeTimeout(properties.getHandshakeTimeout());
        upgrader.setReadBufferSize(Math.toIntExact(properties.getReadBufferSize().toBytes()));
        upgrader.setWriteBufferSize(Math.toIntExact(properties.getWriteBufferSize().toBytes()));
        upgrader.setReadLimit(properties.getMaxMessageSize().toBytes());
        upgrader.setSubprotocols(List.copyOf(subprotocols.isEmpty() ? properties.getSubprotocols() : subprotocols));
        upgrader.setAllowedOriginPatterns(List.copyOf(allowedOrigins.isEmpty() ? properties.getAllowedOrigins() : allowedOrigins));
        upgrader.setJsonCodec(jsonCodec);
        if (listener != null) {
            upgrader.setListener(listener);
        }
        return upgrader;
    }
}
