/**
 * The JSON codec behind {@code readJson}/{@code writeJson} on the application's own Jackson mapper:
 * Jackson 3's {@code JsonMapper} (Spring Boot 4) or Jackson 2's {@code ObjectMapper} (Spring Boot 3).
 */
package dev.conduit.websocket.spring.json;
