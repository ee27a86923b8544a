/**
 * Ahead-of-time processing: runtime hints for the reflection the starter does on
 * {@code @WebSocketEndpoint} beans (finding the handler methods, reading their parameters'
 * annotations, invoking them).
 */
package dev.conduit.websocket.spring.aot;
