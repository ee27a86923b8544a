package dev.conduit.conformance;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * What the raw peer saw from the side under test in one case: messages, pongs, the close frame, the
 * end of the TCP stream, and every rule the side under test broke while sending.
 */
final class Received {
    /** A complete data message. */
    record Message(int opcode, byte[] data) {
        static Message text(String s) {
            return new Message(WireFrame.TEXT, s.getBytes(StandardCharsets.UTF_8));
        }

        static Message binary(byte[] b) {
            return new Message(WireFrame.BINARY, b);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Message m && m.opcode == opcode && Arrays.equals(m.data, data);
        }

        @Override
        public int hashCode() {
            return opcode * 31 + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return (opcode == WireFrame.TEXT ? "text" : opcode == WireFrame.BINARY ? "binary" : "op" + opcode)
                    + "(" + data.length + " B" + (data.length <= 32 ? " " + HexFormat.of().formatHex(data) : "") + ")";
        }
    }

    final List<Message> messages = new ArrayList<>();
    final List<byte[]> pongs = new ArrayList<>();
    final List<String> violations = new ArrayList<>();
    /** The close code received, 1005 for an empty close payload, null if none. */
    Integer closeCode;
    /** Whether the TCP stream ended (EOF or reset) after the close frame. */
    boolean tcpClosed;
    /** Whether an unfinished data message was cut off by the close frame. */
    boolean partialMessage;
    /** The mask keys of the frames received, in order (a client's frames). */
    final List<String> maskKeys = new ArrayList<>();
    /** How many of the messages came compressed (RSV1). */
    int compressedMessages;
    /** How reading ended when it did not end with the TCP stream: a timeout or an error. */
    String endedBy;

    /**
     * @param expected the outcome wanted
     * @return every difference, empty when the case passed
     */
    List<String> differences(Expected expected) {
        List<String> d = new ArrayList<>(violations);
        if (!messages.equals(expected.messages())) {
            d.add("messages " + messages + ", expected " + expected.messages());
        }
        List<String> got = pongs.stream().map(HexFormat.of()::formatHex).toList();
        List<String> want = expected.pongs().stream().map(HexFormat.of()::formatHex).toList();
        if (!got.equals(want)) {
            d.add("pongs " + got + ", expected " + want);
        }
        if (closeCode == null || closeCode != expected.closeCode()) {
            d.add("close " + closeCode + ", expected " + expected.closeCode());
        }
        if (partialMessage && !expected.partialEchoAllowed()) {
            d.add("an unfinished message before the close");
        }
        // RFC 6455 §5.3: a fresh, unpredictable key per frame. Equal keys on every frame (or zero
        // keys) mean a fixed or missing key source; a chance repeat among a few random keys is 2^-32.
        if (maskKeys.size() >= 2 && maskKeys.stream().distinct().count() == 1) {
            d.add("the same mask key on all " + maskKeys.size() + " frames: " + maskKeys.get(0));
        }
        if (!tcpClosed) {
            d.add("TCP connection not closed after the close (" + endedBy + ")");
        }
        return d;
    }
}
