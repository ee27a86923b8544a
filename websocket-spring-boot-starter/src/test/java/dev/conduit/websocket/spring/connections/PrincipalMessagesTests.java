package dev.conduit.websocket.spring.connections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The relayed principal message is read as hostile input: every malformed one is refused, none throws. */
class PrincipalMessagesTests {
    private final byte[] origin = new byte[16];

    @Test
    void roundTrips() {
        Arrays.fill(origin, (byte) 9);
        PrincipalMessages.Decoded d = PrincipalMessages.decode(PrincipalMessages.encode(origin, "élise", "hi".getBytes(StandardCharsets.UTF_8)));
        assertThat(d.origin()).isEqualTo(origin);
        assertThat(d.principal()).isEqualTo("élise");
        assertThat(new String(d.data(), StandardCharsets.UTF_8)).isEqualTo("hi");
    }

    @Test
    void refusesMalformedMessages() {
        byte[] good = PrincipalMessages.encode(origin, "alice", new byte[] {1});
        assertThat(PrincipalMessages.decode(new byte[0])).isNull();
        assertThat(PrincipalMessages.decode(Arrays.copyOf(good, 18))).isNull(); // truncated header
        byte[] version = good.clone();
        version[0] = 2;
        assertThat(PrincipalMessages.decode(version)).isNull();
        byte[] longName = good.clone();
        longName[17] = (byte) 0xFF; // name length beyond the bytes present
        assertThat(PrincipalMessages.decode(longName)).isNull();
        byte[] emptyName = good.clone();
        emptyName[17] = 0;
        emptyName[18] = 0;
        assertThat(PrincipalMessages.decode(emptyName)).isNull();
        byte[] badUtf8 = good.clone();
        badUtf8[19] = (byte) 0xC3; // a lead byte followed by 'l'
        assertThat(PrincipalMessages.decode(badUtf8)).isNull();
        assertThatThrownBy(() -> PrincipalMessages.encode(origin, "x".repeat(PrincipalMessages.MAX_NAME_BYTES + 1), new byte[0]))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
