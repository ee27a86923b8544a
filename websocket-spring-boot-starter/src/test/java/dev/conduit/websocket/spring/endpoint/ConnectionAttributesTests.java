package dev.conduit.websocket.spring.endpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A connection's attributes are bounded in count, name and value length, with a clear error beyond. */
class ConnectionAttributesTests {

    @Test
    void boundsCountNamesAndValues() {
        ConnectionAttributes attributes = new ConnectionAttributes("id");
        for (int i = 0; i < ConnectionAttributes.MAX_ATTRIBUTES; i++) {
            attributes.put("k" + i, "v");
        }
        assertThat(attributes.put("k0", "replaced")).isEqualTo("v"); // replacing stays within the bound
        assertThatThrownBy(() -> attributes.put("one-too-many", "v")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most " + ConnectionAttributes.MAX_ATTRIBUTES);
        attributes.put("k1", null);
        attributes.put("now-fits", "v");
        assertThatThrownBy(() -> attributes.put("", "v")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> attributes.put("n".repeat(ConnectionAttributes.MAX_NAME_LENGTH + 1), "v"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> attributes.put("k2", "v".repeat(ConnectionAttributes.MAX_VALUE_LENGTH + 1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(attributes.asMap()).hasSize(ConnectionAttributes.MAX_ATTRIBUTES).containsEntry("k0", "replaced")
                .doesNotContainKey("k1");
    }
}
