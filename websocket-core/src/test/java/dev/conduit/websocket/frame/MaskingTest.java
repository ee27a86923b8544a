package dev.conduit.websocket.frame;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class MaskingTest {
    /** gorilla's TestMaskBytes: word masking equals byte masking for every size, alignment and key phase. */
    @Test
    void wideMaskingEqualsByteMasking() {
        Random random = new Random(42);
        int key = 0xa1b2c3d4;
        for (int size = 0; size <= 1024; size++) {
            for (int align = 0; align < 8; align += 3) {
                for (int pos = 0; pos < 4; pos++) {
                    byte[] data = new byte[align + size];
                    random.nextBytes(data);
                    byte[] expected = data.clone();
                    for (int i = 0; i < size; i++) {
                        int k = (key >>> (24 - 8 * ((pos + i) & 3))) & 0xff;
                        expected[align + i] ^= (byte) k;
                    }
                    long next = Masking.mask(data, align, size, key, pos);
                    assertThat(next).isEqualTo(pos + size);
                    assertThat(data).as("size %d align %d pos %d", size, align, pos).isEqualTo(expected);
                }
            }
        }
    }

    @Test
    void maskingInPiecesEqualsMaskingAtOnce() {
        byte[] data = new byte[1000];
        new Random(1).nextBytes(data);
        byte[] whole = data.clone();
        Masking.mask(whole, 0, whole.length, 0x12345678, 0);
        long pos = 0;
        for (int off = 0; off < data.length; ) {
            int n = Math.min(37, data.length - off);
            pos = Masking.mask(data, off, n, 0x12345678, pos);
            off += n;
        }
        assertThat(data).isEqualTo(whole);
    }

    @Test
    void keysComeFromAStrongSourceAndVary() {
        java.util.Set<Integer> keys = new java.util.HashSet<>();
        for (int i = 0; i < 100; i++) {
            keys.add(Masking.newKey());
        }
        assertThat(keys.size()).isGreaterThan(95);
    }
}
