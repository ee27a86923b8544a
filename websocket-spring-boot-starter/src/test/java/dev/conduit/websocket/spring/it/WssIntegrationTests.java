package dev.conduit.websocket.spring.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.conduit.websocket.Conn;
import dev.conduit.websocket.Message;
import dev.conduit.websocket.WebSocket;
import dev.conduit.websocket.client.Dialer;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * wss:// through Spring Boot's own SSL configuration ({@code server.ssl.*}) with a self-signed
 * certificate the test generates with the JDK's {@code keytool}: our {@link Dialer} connects when it
 * trusts that certificate, and refuses the server when it does not (the JDK's default trust store).
 */
class WssIntegrationTests {
    private static final String PASSWORD = "changeit";
    @TempDir
    static Path dir;
    private static Path keystore;
    private static ConfigurableApplicationContext app;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        keystore = dir.resolve("server.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "server", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", keystore.toString(),
                "-storepass", PASSWORD, "-keypass", PASSWORD).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        app = new SpringApplicationBuilder(TestApplication.class)
                .properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
                        "server.ssl.enabled=true", "server.ssl.key-store=" + keystore.toUri(),
                        "server.ssl.key-store-type=PKCS12", "server.ssl.key-store-password=" + PASSWORD,
                        "server.ssl.key-alias=server")
                .run();
        port = app.getEnvironment().getProperty("local.server.port", Integer.class);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    private static SSLContext trustingTheTestCertificate() throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    @Test
    void theDialerEchoesOverWssWhenItTrustsTheCertificate() throws Exception {
        Dialer dialer = Dialer.builder().sslContext(trustingTheTestCertificate()).handshakeTimeout(Duration.ofSeconds(20)).build();
        Conn conn = dialer.dial(URI.create("wss://127.0.0.1:" + port + "/open/echo"));
        try {
            conn.writeMessage(WebSocket.TEXT_MESSAGE, "over tls".getBytes(StandardCharsets.UTF_8));
            Message m = conn.readMessage();
            assertThat(m.text()).isEqualTo("over tls");
        } finally {
            conn.close(WebSocket.CLOSE_NORMAL_CLOSURE, "", Duration.ofSeconds(5));
        }
    }

    @Test
    void theDialerRefusesAnUntrustedCertificate() {
        Dialer dialer = Dialer.builder().handshakeTimeout(Duration.ofSeconds(20)).build();
        assertThatThrownBy(() -> dialer.dial(URI.create("wss://127.0.0.1:" + port + "/open/echo")))
                .isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void plainWsIsNotServedOnTheTlsPort() {
        assertThatThrownBy(() -> Dialer.builder().handshakeTimeout(Duration.ofSeconds(20)).build()
                .dial(URI.create("ws://127.0.0.1:" + port + "/open/echo"))).isInstanceOf(java.io.IOException.class);
    }
}
