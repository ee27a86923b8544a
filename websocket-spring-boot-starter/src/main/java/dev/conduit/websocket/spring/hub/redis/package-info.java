/**
 * The hub's relays through Redis (Spring Data Redis with Lettuce): every broadcast goes to the other
 * instances, each message delivered once per connection, in each instance's order.
 */
package dev.conduit.websocket.spring.hub.redis;
