package dev.conduit.example;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Spring Security in front of the endpoints: {@code /secure/**} needs an authenticated user (HTTP
 * Basic), everything else (the chat page, every other endpoint, Actuator) stays public. The upgrade
 * request passes the filter chain like any request, so an anonymous upgrade of {@code /secure/echo}
 * gets 401 and is never upgraded.
 */
@Configuration(proxyBeanMethods = false)
@EnableMethodSecurity
public class SecurityConfig {

    /**
     * @param http the filter chain's builder
     * @return the chain
     * @throws Exception if building fails
     */
    @Bean
    SecurityFilterChain securityFilterChain(HttpSecurity http) throws Exception {
        return http
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers("/secure/**").authenticated()
                        .anyRequest().permitAll())
                .httpBasic(Customizer.withDefaults())
                // Credentials come with each request (HTTP Basic): no session, no cookie a cross-site
                // form could ride, hence no CSRF token. WebSocket upgrades are checked against
                // Origin by the starter.
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(csrf -> csrf.disable())
                .build();
    }

    /**
     * Demo credentials, for trying {@code /secure/echo} only: {@code alice}/{@code alice-demo} has
     * the role {@code USER} that {@link SecuredEchoService} requires, {@code bob}/{@code bob-demo}
     * is authenticated but lacks it. A real application uses its own user store.
     *
     * @return the users
     */
    @Bean
    UserDetailsService users() {
        return new InMemoryUserDetailsManager(
                User.withUsername("alice").password("{noop}alice-demo").roles("USER").build(),
                User.withUsername("bob").password("{noop}bob-demo").roles("GUEST").build());
    }
}
