package dev.conduit.websocket.compression;

import java.util.HexFormat;

final class Hex {
    private Hex() {
    }

    /** @param s hex digits, spaces ignored */
    static byte[] bytes(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    static String of(byte[] b) {
        return HexFormat.ofDelimiter(" ").formatHex(b);
    }
}
