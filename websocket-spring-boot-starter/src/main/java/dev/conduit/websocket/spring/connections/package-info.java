/**
 * The open connections as a queryable registry: {@link dev.conduit.websocket.spring.connections.WebSocketConnections}
 * lists them, sends to every connection of a principal (across instances through the hub's relay)
 * and closes one by id.
 */
package dev.conduit.websocket.spring.connections;
