/**
 * RFC 6455 frames: header encoding and parsing, masking, the incremental UTF-8 validator that
 * fails a text message as soon as its bytes are invalid, and close payloads. Internal to the library.
 */
package dev.conduit.websocket.frame;
