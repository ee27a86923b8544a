/**
 * The opening handshake's rules shared by both sides: accept keys, header token lists, the server's
 * checks of a request (method, version, key, upgrade tokens), origin rules and the choice of a
 * subprotocol. Internal to the library.
 */
package dev.conduit.websocket.handshake;
