package dev.conduit.websocket.frame;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Utf8ValidatorTest {
    static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    @Test
    void acceptsValidText() {
        for (String s : new String[] {"", "Hello", "κόσμε", "€", "𝄞 music", "\u0000", "\uffff", "\udbff\udfff"}) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            assertThat(Utf8Validator.isValid(b, 0, b.length)).as(s).isTrue();
        }
    }

    @Test
    void rejectsInvalidSequences() {
        int[][] invalid = {
            {0xff}, {0xc0, 0xaf}, {0xc1, 0xbf}, {0xe0, 0x80, 0xaf}, {0xed, 0xa0, 0x80}, {0xf4, 0x90, 0x80, 0x80},
            {0xf5, 0x80, 0x80, 0x80}, {0x80}, {0xce, 0xba, 0xe1, 0xbd}, {0xe1, 0x80}, {0xf0, 0x8f, 0xbf, 0xbf},
            {0xce, 0xba, 0xe1, 0xbd, 0xb9, 0xcf, 0x83, 0xce, 0xbc, 0xce, 0xb5, 0xed, 0xa0, 0x80, 0x65, 0x64, 0x69, 0x74, 0x65, 0x64}
        };
        for (int[] seq : invalid) {
            byte[] b = bytes(seq);
            assertThat(Utf8Validator.isValid(b, 0, b.length)).isFalse();
        }
    }

    @Test
    void codePointsSplitAtEveryBoundaryStillValidate() {
        byte[] b = "a€𝄞κ".getBytes(StandardCharsets.UTF_8);
        for (int cut = 0; cut <= b.length; cut++) {
            Utf8Validator v = new Utf8Validator();
            assertThat(v.update(b, 0, cut)).isTrue();
            assertThat(v.update(b, cut, b.length - cut)).isTrue();
            assertThat(v.isComplete()).isTrue();
        }
    }

    @Test
    void failsAtTheFirstImpossibleByteWithoutWaitingForTheEnd() {
        Utf8Validator v = new Utf8Validator();
        assertThat(v.update(bytes(0xce, 0xba, 0xe1, 0xbd, 0xb9), 0, 5)).isTrue();
        assertThat(v.update(bytes(0xed, 0xa0), 0, 2)).isFalse(); // a surrogate: nothing can follow that fixes it
    }

    @Test
    void agreesWithTheJdkDecoderOnRandomInput() {
        Random random = new Random(7);
        for (int i = 0; i < 20000; i++) {
            byte[] b = new byte[random.nextInt(12)];
            random.nextBytes(b);
            if (random.nextBoolean()) {
                for (int j = 0; j < b.length; j++) {
                    b[j] &= (byte) 0xbf; // more plausible sequences
                }
            }
            assertThat(Utf8Validator.isValid(b, 0, b.length)).as("%s", java.util.HexFormat.of().formatHex(b))
                    .isEqualTo(jdkValid(b));
        }
    }

    private static boolean jdkValid(byte[] b) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
