package dev.conduit.websocket.compression;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExtensionListTest {
    private static ExtensionList parse(String... lines) {
        return ExtensionList.parse(Arrays.asList(lines));
    }

    private static List<String> names(ExtensionList l) {
        return l.elements().stream().map(Extension::name).toList();
    }

    @Test
    void gorillaExamples() {
        ExtensionList a = parse("foo, bar; baz=2 junk");
        assertThat(names(a)).containsExactly("foo");
        assertThat(a.malformed()).isTrue();

        ExtensionList b = parse("foo junk, bar; baz=2 junk");
        assertThat(b.elements()).isEmpty();
        assertThat(b.malformed()).isTrue();

        ExtensionList c = parse("foo; bar=\"b,a;z\"");
        assertThat(c.malformed()).isFalse();
        assertThat(c.elements()).containsExactly(new Extension("foo", List.of(new ExtensionParam("bar", "b,a;z"))));
    }

    @Test
    void paramsWithAndWithoutValuesSpacesAndSeveralLines() {
        ExtensionList l = parse("permessage-deflate ;\tclient_max_window_bits ; server_max_window_bits = 10 , x-webkit-deflate-frame",
                "permessage-deflate; server_max_window_bits=\"1\\5\"");
        assertThat(l.malformed()).isFalse();
        assertThat(l.elements()).containsExactly(
                new Extension("permessage-deflate", List.of(new ExtensionParam("client_max_window_bits", null),
                        new ExtensionParam("server_max_window_bits", "10"))),
                new Extension("x-webkit-deflate-frame", List.of()),
                new Extension("permessage-deflate", List.of(new ExtensionParam("server_max_window_bits", "15"))));
    }

    @Test
    void duplicateParamsAreKept() {
        ExtensionList l = parse("a; b; b=1");
        assertThat(l.elements().get(0).params()).hasSize(2);
    }

    @Test
    void malformedElements() {
        assertThat(parse("a;").malformed()).isTrue();
        assertThat(parse("a; =1").malformed()).isTrue();
        assertThat(parse("a; b=").malformed()).isTrue();
        assertThat(parse("a; b=\"unterminated").malformed()).isTrue();
        assertThat(parse(", a").malformed()).isTrue();
        assertThat(parse("a,").malformed()).isTrue();
        assertThat(parse("a; b=c d").malformed()).isTrue();
        assertThat(parse("").malformed()).isFalse();
        assertThat(parse("  ").elements()).isEmpty();
        assertThat(ExtensionList.parse(null).elements()).isEmpty();
    }
}
