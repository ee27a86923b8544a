package dev.conduit.websocket.spring.connections;

import java.util.List;

/**
 * One page of the open connections, oldest first.
 *
 * @param page the page number, from 0
 * @param size the page size asked for (after the bound)
 * @param totalElements the connections open when the page was taken
 * @param totalPages the pages of that size
 * @param connections the connections of this page
 */
public record ConnectionPage(int page, int size, long totalElements, int totalPages, List<ConnectionInfo> connections) {
}
