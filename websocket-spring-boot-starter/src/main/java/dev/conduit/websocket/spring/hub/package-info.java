/**
 * The {@link dev.conduit.websocket.spring.hub.Hub}: broadcast to topics with one sender and a
 * bounded queue per connection, so that a slow receiver does not hold up the others, and an optional
 * relay to the other instances of the application.
 */
package dev.conduit.websocket.spring.hub;
