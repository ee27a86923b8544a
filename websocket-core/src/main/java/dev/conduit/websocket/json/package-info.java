/**
 * The Jackson {@link dev.conduit.websocket.JsonCodec} behind {@code readJson} and {@code writeJson}.
 */
package dev.conduit.websocket.json;
