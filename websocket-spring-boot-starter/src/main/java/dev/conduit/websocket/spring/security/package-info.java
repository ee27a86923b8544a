/**
 * Spring Security integration, active when Spring Security is on the class path: the upgrade
 * request's authenticated security context is in place on the handler's thread.
 */
package dev.conduit.websocket.spring.security;
