package dev.conduit.websocket.server;

import dev.conduit.websocket.BufferPool;
import dev.conduit.websocket.ConnListener;
import dev.conduit.websocket.JsonCodec;
import dev.conduit.websocket.compression.ConnCompression;
import dev.conduit.websocket.compression.MessageDeflater;
import dev.conduit.websocket.conn.ConnSettings;
import dev.conduit.websocket.handshake.SubprotocolSelector;
import jakarta.servlet.http.HttpServletRequest;

import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/**
 * The settings of an {@link Upgrader}, with gorilla's defaults until its {@link Upgrader.Builder}
 * sets them. Mutable: a builder writes them, an upgrader keeps a private copy.
 */
final class UpgraderSettings {
    Duration handshakeTimeout;
    int readBufferSize;
    int writeBufferSize;
    BufferPool writeBufferPool;
    List<String> subprotocols = List.of();
    SubprotocolSelector subprotocolSelector = SubprotocolSelector.CLIENT_PREFERENCE;
    HandshakeErrorHandler errorHandler = HandshakeErrorHandler.PLAIN_TEXT;
    HandlerErrorHandler handlerErrorHandler = HandlerErrorHandler.NONE;
    Predicate<HttpServletRequest> checkOrigin;
    List<String> allowedOriginPatterns = List.of();
    boolean enableCompression;
    boolean serverNoContextTakeover;
    boolean clientNoContextTakeover;
    int compressionLevel = MessageDeflater.DEFAULT_LEVEL;
    int compressionMinSize = ConnCompression.DEFAULT_MIN_SIZE;
    JsonCodec jsonCodec;
    ConnListener listener = ConnListener.NONE;
    long readLimit;
    Duration controlTimeout = ConnSettings.DEFAULT_CONTROL_TIMEOUT;
    Duration closeTimeout = Duration.ofSeconds(1);
    Transport transport = Transport.AUTO;
    int readLoops;
    ServerTransport serverTransport;

    UpgraderSettings() {
    }

    UpgraderSettings(UpgraderSettings b) {
        this.handshakeTimeout = b.handshakeTimeout;
        this.readBufferSize = b.readBufferSize;
        this.writeBufferSize = b.writeBufferSize;
        this.writeBufferPool = b.writeBufferPool;
        this.subprotocols = List.copyOf(b.subprotocols);
        this.subprotocolSelector = b.subprotocolSelector;
        this.errorHandler = b.errorHandler;
        this.handlerErrorHandler = b.handlerErrorHandler;
        this.checkOrigin = b.checkOrigin;
        this.allowedOriginPatterns = List.copyOf(b.allowedOriginPatterns);
        this.enableCompression = b.enableCompression;
        this.serverNoContextTakeover = b.serverNoContextTakeover;
        this.clientNoContextTakeover = b.clientNoContextTakeover;
        this.compressionLevel = b.compressionLevel;
        this.compressionMinSize = b.compressionMinSize;
        this.jsonCodec = b.jsonCodec;
        this.listener = b.listener;
        this.readLimit = b.readLimit;
        this.controlTimeout = b.controlTimeout;
        this.closeTimeout = b.closeTimeout;
        this.transport = b.transport;
        this.readLoops = b.readLoops;
        this.serverTransport = b.serverTransport;
    }

    /**
     * @param timeout a timeout setting
     * @param what its name in the error
     * @return {@code timeout}
     * @throws IllegalArgumentException unless it is positive
     */
    static Duration positive(Duration timeout, String what) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("websocket: the " + what + " must be positive, was " + timeout);
        }
        return timeout;
    }
}
