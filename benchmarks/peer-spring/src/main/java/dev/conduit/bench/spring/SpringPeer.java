package dev.conduit.bench.spring;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.handler.TextWebSocketHandler;
import org.springframework.web.socket.server.standard.ServletServerContainerFactoryBean;

/**
 * Spring's standard WebSocket support ({@code spring-boot-starter-websocket}, JSR-356 on Tomcat),
 * written the way its reference documentation shows, with {@code /echo} and {@code /broadcast}.
 */
@SpringBootApplication
@EnableWebSocket
public class SpringPeer implements WebSocketConfigurer {
    public static void main(String[] args) {
        SpringApplication.run(SpringPeer.class, args);
    }

    @Override
    public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
        registry.addHandler(new EchoHandler(), "/echo");
        registry.addHandler(new BroadcastHandler(), "/broadcast");
    }

    /**
     * Tomcat's default binary message buffer is 8 KiB, too small for the 16 KiB echo. Tomcat allocates
     * both message buffers for every session up front, so they are set to exactly what the loads need
     * (16 KiB binary, the default 8 KiB text): larger ones would cost Spring memory per idle
     * connection (1 MiB each ran 1,000 connections out of a 2 GiB heap).
     */
    @Bean
    public ServletServerContainerFactoryBean createWebSocketContainer() {
        ServletServerContainerFactoryBean container = new ServletServerContainerFactoryBean();
        container.setMaxBinaryMessageBufferSize(16 * 1024);
        return container;
    }

    /** Text and binary messages back to the sender. */
    static final class EchoHandler extends TextWebSocketHandler {
        @Override
        protected void handleTextMessage(WebSocketSession session, TextMessage message) throws IOException {
            session.sendMessage(message);
        }

        @Override
        protected void handleBinaryMessage(WebSocketSession session, BinaryMessage message) {
            try {
                session.sendMessage(message);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Every text message to every session of this endpoint, on the receiving thread. */
    static final class BroadcastHandler extends TextWebSocketHandler {
        private final Set<WebSocketSession> sessions = ConcurrentHashMap.newKeySet();

        @Override
        public void afterConnectionEstablished(WebSocketSession session) {
            sessions.add(session);
        }

        @Override
        public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
            sessions.remove(session);
        }

        @Override
        protected void handleTextMessage(WebSocketSession session, TextMessage message) {
            for (WebSocketSession s : sessions) {
                try {
                    s.sendMessage(message);
                } catch (IOException | IllegalStateException e) {
                    sessions.remove(s);
                }
            }
        }
    }
}
