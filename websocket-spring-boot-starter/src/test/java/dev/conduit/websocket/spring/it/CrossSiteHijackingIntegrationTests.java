package dev.conduit.websocket.spring.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Cross-site WebSocket hijacking: a user logged in with a session cookie (Spring Security form
 * login). A page on another origin makes the browser send that cookie with its upgrade, plus its own
 * {@code Origin}: the same-origin default refuses it with 403. The same cookie from the app's own
 * origin is let in, and the handler sees the user. Without the cookie the endpoint needs a login.
 */
class CrossSiteHijackingIntegrationTests {
    private static ConfigurableApplicationContext app;
    private static int port;
    private static String sessionCookie;

    /** Form login with a session: the set-up that cross-site hijacking exploits. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class CookieSessionApplication {
        @Bean
        SecurityFilterChain chain(HttpSecurity http) throws Exception {
            return http.authorizeHttpRequests(r -> r.requestMatchers("/secure/**").authenticated().anyRequest().permitAll())
                    .formLogin(Customizer.withDefaults())
                    .csrf(csrf -> csrf.disable()) // login by a plain POST in the test; the socket is what is under test
                    .build();
        }

        @Bean
        UserDetailsService users() {
            return new InMemoryUserDetailsManager(User.withUsername("alice").password("{noop}secret").roles("USER").build());
        }

        @Bean
        TestApplication.Endpoints endpoints() {
            return new TestApplication.Endpoints();
        }
    }

    @BeforeAll
    static void start() throws Exception {
        app = new SpringApplicationBuilder(CookieSessionApplication.class)
                .properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off")
                .run();
        port = app.getEnvironment().getProperty("local.server.port", Integer.class);
        HttpResponse<String> login = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=alice&password=secret")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode()).isEqualTo(302);
        assertThat(login.headers().firstValue("Location")).get().asString().doesNotContain("error");
        sessionCookie = login.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("JSESSIONID="))
                .map(c -> c.substring(0, c.indexOf(';'))).findFirst().orElseThrow();
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void theSessionCookieFromAnotherOriginIsRefusedWith403() {
        assertThatThrownBy(() -> RawWsPeer.connect(port, "/secure/whoami",
                "Cookie: " + sessionCookie + "\r\nOrigin: https://evil.example\r\n"))
                .isInstanceOf(IOException.class).hasMessageContaining("HTTP/1.1 403");
    }

    @Test
    void theSessionCookieFromTheAppsOwnOriginIsLetIn() throws Exception {
        try (RawWsPeer peer = RawWsPeer.connect(port, "/secure/whoami",
                "Cookie: " + sessionCookie + "\r\nOrigin: http://127.0.0.1:" + port + "\r\n")) {
            assertThat(new String(peer.next().payload(), StandardCharsets.UTF_8)).isEqualTo("alice");
        }
    }

    @Test
    void withoutTheCookieTheEndpointNeedsALogin() {
        assertThatThrownBy(() -> RawWsPeer.connect(port, "/secure/whoami", "Origin: http://127.0.0.1:" + port + "\r\n"))
                .isInstanceOf(IOException.class).hasMessageNotContaining("HTTP/1.1 101");
    }
}
