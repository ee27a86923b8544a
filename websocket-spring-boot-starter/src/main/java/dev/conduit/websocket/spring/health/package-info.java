/**
 * The {@code websockets} health contributor, when Spring Boot's health support is present (its
 * classes moved between Boot 3.5 and 4.0, so the contributor is bound to whichever line runs).
 */
package dev.conduit.websocket.spring.health;
