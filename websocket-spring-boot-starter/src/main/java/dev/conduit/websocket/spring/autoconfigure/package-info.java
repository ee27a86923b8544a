/**
 * The starter's auto-configuration: the {@link dev.conduit.websocket.server.Upgrader} built from
 * {@code conduit.websocket.*}, the container defaults that follow the connection limit, and the
 * start-up check that refuses containers whose Servlet upgrade does not work (Jetty).
 */
package dev.conduit.websocket.spring.autoconfigure;
