package dev.conduit.conformance;

import static dev.conduit.conformance.ConformanceCase.Write.BYTE_BY_BYTE;
import static dev.conduit.conformance.ConformanceCase.Write.CHOPPED;
import static dev.conduit.conformance.ConformanceCase.Write.FRAME_BY_FRAME;
import static dev.conduit.conformance.ConformanceCase.Write.ONE_WRITE;
import static dev.conduit.conformance.WireFrame.BINARY;
import static dev.conduit.conformance.WireFrame.CLOSE;
import static dev.conduit.conformance.WireFrame.CONTINUATION;
import static dev.conduit.conformance.WireFrame.PING;
import static dev.conduit.conformance.WireFrame.PONG;
import static dev.conduit.conformance.WireFrame.TEXT;
import static dev.conduit.conformance.WireFrame.utf8;

import dev.conduit.conformance.ConformanceCase.Write;
import dev.conduit.conformance.Received.Message;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * The case catalogue, after the Autobahn TestSuite's sections: 1 framing, 2 ping/pong, 3 reserved
 * bits, 4 reserved opcodes, 5 fragmentation, 6 UTF-8, 7 close handling, 9 limits and large messages,
 * and M masking. The same cases run against the server (the raw peer is a client) and against the
 * client (the raw peer is a server); the side under test echoes every message with one of gorilla's
 * Autobahn agents.
 */
final class Cases {
    static final int PROTOCOL_ERROR = 1002;
    static final int INVALID_PAYLOAD = 1007;
    static final int TOO_BIG = 1009;
    static final int NORMAL = 1000;
    static final int NO_STATUS = 1005;
    /** The read limit of the agents under test. */
    static final int READ_LIMIT = 16 * 1024 * 1024;

    private static final String SAMPLE = "Hello-µ@ßöäüàá-UTF-8!!";
    private static final String KOSME = "κόσμε";

    private final List<ConformanceCase> all = new ArrayList<>();
    private String section;
    private int n;

    static List<ConformanceCase> all() {
        Cases c = new Cases();
        c.framing();
        c.pingPong();
        c.reservedBits();
        c.reservedOpcodes();
        c.fragmentation();
        c.utf8Cases();
        c.closeHandling();
        c.limits();
        c.masking();
        c.compression();
        c.compressionNegotiation();
        return List.copyOf(c.all);
    }

    /** The section names the summary prints. */
    static String sectionName(String section) {
        return switch (section) {
            case "1" -> "framing";
            case "2" -> "ping/pong";
            case "3" -> "reserved bits";
            case "4" -> "reserved opcodes";
            case "5" -> "fragmentation";
            case "6" -> "UTF-8";
            case "7" -> "close handling";
            case "9" -> "limits, large messages";
            case "12" -> "permessage-deflate";
            case "13" -> "deflate negotiation";
            case "M" -> "masking";
            case "H" -> "handshake";
            default -> "?";
        };
    }

    private void section(String s) {
        section = s;
        n = 0;
    }

    private void add(String title, Write write, boolean closeAfter, Expected expected, WireFrame... frames) {
        all.add(new ConformanceCase(section + "." + (++n), title, List.of(frames), write, closeAfter, expected));
    }

    /** Messages echoed, then the peer's close 1000 answered with 1000. */
    private void echo(String title, Write write, List<Message> messages, List<byte[]> pongs, WireFrame... frames) {
        add(title, write, true, Expected.close(NORMAL, messages, pongs), frames);
    }

    private void failing(String title, int code, List<Message> before, WireFrame... frames) {
        add(title, ONE_WRITE, true, Expected.fail(code, before), frames);
    }

    // ---- 1 framing --------------------------------------------------------------------------

    private void framing() {
        section("1");
        int[] lengths = {0, 125, 126, 127, 128, 65535, 65536, 1024 * 1024};
        for (int opcode : new int[] {TEXT, BINARY}) {
            for (Write write : new Write[] {ONE_WRITE, BYTE_BY_BYTE}) {
                for (int len : lengths) {
                    // One byte per write for 1 MiB would take a million system calls per case; it is
                    // written in 997-byte pieces, as Autobahn's chopsize cases do.
                    Write w = write == BYTE_BY_BYTE && len > 65536 ? CHOPPED : write;
                    byte[] payload = payload(opcode, len);
                    echo((opcode == TEXT ? "text" : "binary") + " message of " + len + " bytes", w,
                            List.of(new Message(opcode, payload)), List.of(), WireFrame.of(true, opcode, payload));
                }
            }
        }
    }

    // ---- 2 ping/pong ------------------------------------------------------------------------

    private void pingPong() {
        section("2");
        byte[] empty = new byte[0];
        byte[] text = utf8("Hello, world!");
        byte[] binary = {0, (byte) 0xff, (byte) 0xfe, (byte) 0xfd, (byte) 0xfc, (byte) 0xfb, 0, (byte) 0xff};
        byte[] max = fill(125, (byte) 0xfe);
        echo("ping without payload", ONE_WRITE, List.of(), List.of(empty), WireFrame.of(true, PING, empty));
        echo("ping with a text payload", ONE_WRITE, List.of(), List.of(text), WireFrame.of(true, PING, text));
        echo("ping with a binary payload", ONE_WRITE, List.of(), List.of(binary), WireFrame.of(true, PING, binary));
        echo("ping with 125 bytes", ONE_WRITE, List.of(), List.of(max), WireFrame.of(true, PING, max));
        failing("ping with 126 bytes", PROTOCOL_ERROR, List.of(), WireFrame.of(true, PING, fill(126, (byte) 0xfe)));
        echo("ping with 125 bytes, byte by byte", BYTE_BY_BYTE, List.of(), List.of(max), WireFrame.of(true, PING, max));
        echo("unsolicited pong without payload", ONE_WRITE, List.of(), List.of(), WireFrame.of(true, PONG, empty));
        echo("unsolicited pong with payload", ONE_WRITE, List.of(), List.of(), WireFrame.of(true, PONG, text));
        echo("unsolicited pong, then ping", ONE_WRITE, List.of(), List.of(utf8("ping payload")),
                WireFrame.of(true, PONG, text), WireFrame.of(true, PING, utf8("ping payload")));
        List<WireFrame> pings = new ArrayList<>();
        List<byte[]> pongs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            byte[] p = utf8("payload-" + i);
            pings.add(WireFrame.of(true, PING, p));
            pongs.add(p);
        }
        echo("10 pings, frame by frame", FRAME_BY_FRAME, List.of(), pongs, pings.toArray(WireFrame[]::new));
        echo("10 pings in one write", ONE_WRITE, List.of(), pongs, pings.toArray(WireFrame[]::new));
    }

    // ---- 3 reserved bits --------------------------------------------------------------------

    private void reservedBits() {
        section("3");
        WireFrame hello = WireFrame.text("Hello");
        List<Message> echoed = List.of(Message.text("Hello"));
        failing("RSV1 on a text frame (no extension)", PROTOCOL_ERROR, List.of(), WireFrame.text("Hello").withRsv(4));
        failing("RSV2 on a text frame after a valid message", PROTOCOL_ERROR, echoed, hello, WireFrame.text("Hello").withRsv(2));
        failing("RSV3 on a text frame, then a ping", PROTOCOL_ERROR, echoed, hello, WireFrame.text("Hello").withRsv(1),
                WireFrame.of(true, PING, new byte[0]));
        failing("RSV1+RSV2 on a text frame", PROTOCOL_ERROR, echoed, hello, WireFrame.text("Hello").withRsv(6));
        failing("RSV1+RSV3 on a binary frame", PROTOCOL_ERROR, List.of(), WireFrame.of(true, BINARY, new byte[] {1, 2, 3}).withRsv(5));
        failing("RSV2+RSV3 on a ping", PROTOCOL_ERROR, List.of(), WireFrame.of(true, PING, utf8("Hello")).withRsv(3));
        failing("all RSV bits on a close", PROTOCOL_ERROR, List.of(), WireFrame.close(1000, new byte[0]).withRsv(7));
        failing("RSV1 on a continuation frame", PROTOCOL_ERROR, List.of(),
                WireFrame.of(false, TEXT, utf8("Hel")), WireFrame.of(true, CONTINUATION, utf8("lo")).withRsv(4));
        add("RSV2 on a text frame, byte by byte", BYTE_BY_BYTE, true, Expected.fail(PROTOCOL_ERROR, echoed),
                hello, WireFrame.text("Hello").withRsv(2));
    }

    // ---- 4 reserved opcodes -----------------------------------------------------------------

    private void reservedOpcodes() {
        section("4");
        for (int op : new int[] {3, 4, 5, 6, 7, 11, 12, 13, 14, 15}) {
            failing("reserved opcode " + op + " without payload", PROTOCOL_ERROR, List.of(), WireFrame.of(true, op, new byte[0]));
            failing("reserved opcode " + op + " with payload after a valid message, then a ping", PROTOCOL_ERROR,
                    List.of(Message.text("Hello")), WireFrame.text("Hello"), WireFrame.of(true, op, utf8("reserved")),
                    WireFrame.of(true, PING, new byte[0]));
        }
    }

    // ---- 5 fragmentation --------------------------------------------------------------------

    private void fragmentation() {
        section("5");
        failing("fragmented ping", PROTOCOL_ERROR, List.of(),
                WireFrame.of(false, PING, utf8("frag1")), WireFrame.of(true, CONTINUATION, utf8("frag2")));
        failing("fragmented pong", PROTOCOL_ERROR, List.of(),
                WireFrame.of(false, PONG, utf8("frag1")), WireFrame.of(true, CONTINUATION, utf8("frag2")));
        for (Write w : new Write[] {ONE_WRITE, FRAME_BY_FRAME, BYTE_BY_BYTE}) {
            echo("text in 2 fragments", w, List.of(Message.text("fragment1fragment2")), List.of(),
                    WireFrame.of(false, TEXT, utf8("fragment1")), WireFrame.of(true, CONTINUATION, utf8("fragment2")));
        }
        for (Write w : new Write[] {ONE_WRITE, FRAME_BY_FRAME, BYTE_BY_BYTE}) {
            echo("text in 2 fragments with a ping between", w, List.of(Message.text("fragment1fragment2")),
                    List.of(utf8("ping")), WireFrame.of(false, TEXT, utf8("fragment1")), WireFrame.of(true, PING, utf8("ping")),
                    WireFrame.of(true, CONTINUATION, utf8("fragment2")));
        }
        for (Write w : new Write[] {ONE_WRITE, BYTE_BY_BYTE}) {
            echo("text in 3 fragments with a ping and a pong between", w, List.of(Message.text("f1f2f3")),
                    List.of(utf8("p1"), utf8("p2")), WireFrame.of(false, TEXT, utf8("f1")), WireFrame.of(true, PING, utf8("p1")),
                    WireFrame.of(false, CONTINUATION, utf8("f2")), WireFrame.of(true, PONG, utf8("unsolicited")),
                    WireFrame.of(true, PING, utf8("p2")), WireFrame.of(true, CONTINUATION, utf8("f3")));
        }
        echo("binary in 2 fragments", ONE_WRITE, List.of(Message.binary(new byte[] {1, 2, 3, 4})), List.of(),
                WireFrame.of(false, BINARY, new byte[] {1, 2}), WireFrame.of(true, CONTINUATION, new byte[] {3, 4}));
        List<WireFrame> many = new ArrayList<>();
        StringBuilder joined = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            String s = Integer.toString(i % 10);
            joined.append(s);
            many.add(WireFrame.of(i == 99, i == 0 ? TEXT : CONTINUATION, utf8(s)));
        }
        echo("text in 100 one-byte fragments", ONE_WRITE, List.of(Message.text(joined.toString())), List.of(),
                many.toArray(WireFrame[]::new));
        echo("text of empty fragments", ONE_WRITE, List.of(Message.text("")), List.of(),
                WireFrame.of(false, TEXT, new byte[0]), WireFrame.of(false, CONTINUATION, new byte[0]),
                WireFrame.of(true, CONTINUATION, new byte[0]));
        failing("continuation (FIN) without a message", PROTOCOL_ERROR, List.of(),
                WireFrame.of(true, CONTINUATION, utf8("fragment")));
        failing("continuation (not FIN) without a message", PROTOCOL_ERROR, List.of(),
                WireFrame.of(false, CONTINUATION, utf8("fragment")));
        failing("continuation after a complete message", PROTOCOL_ERROR, List.of(Message.text("done")),
                WireFrame.text("done"), WireFrame.of(true, CONTINUATION, utf8("more")));
        add("text starts while a text message is open", ONE_WRITE, true,
                Expected.failMaybePartial(PROTOCOL_ERROR, List.of()),
                WireFrame.of(false, TEXT, utf8("first")), WireFrame.of(true, TEXT, utf8("second")));
        add("binary starts while a text message is open", ONE_WRITE, true,
                Expected.failMaybePartial(PROTOCOL_ERROR, List.of()),
                WireFrame.of(false, TEXT, utf8("first")), WireFrame.of(true, BINARY, utf8("second")));
        add("two messages, the second a bad sequence (cont, cont FIN=0, text)", ONE_WRITE, true,
                Expected.failMaybePartial(PROTOCOL_ERROR, List.of(Message.text("f1f2"))),
                WireFrame.of(false, TEXT, utf8("f1")), WireFrame.of(true, CONTINUATION, utf8("f2")),
                WireFrame.of(false, CONTINUATION, utf8("f3")), WireFrame.of(true, TEXT, utf8("f4")));
    }

    // ---- 6 UTF-8 ----------------------------------------------------------------------------

    private void utf8Cases() {
        section("6");
        byte[] sample = utf8(SAMPLE);
        echo("valid UTF-8 text", ONE_WRITE, List.of(Message.text(SAMPLE)), List.of(), WireFrame.text(SAMPLE));
        echo("valid UTF-8 text, byte by byte", BYTE_BY_BYTE, List.of(Message.text(SAMPLE)), List.of(), WireFrame.text(SAMPLE));
        // Every split point, each byte its own frame: multi-byte characters always cross frames.
        List<WireFrame> perByte = new ArrayList<>();
        for (int i = 0; i < sample.length; i++) {
            perByte.add(WireFrame.of(i == sample.length - 1, i == 0 ? TEXT : CONTINUATION, new byte[] {sample[i]}));
        }
        echo("valid UTF-8 text, one frame per byte", ONE_WRITE, List.of(Message.text(SAMPLE)), List.of(),
                perByte.toArray(WireFrame[]::new));
        String clef = "\uD834\uDD1E"; // U+1D11E, four bytes
        byte[] c = utf8(clef);
        echo("a 4-byte character split across two frames", ONE_WRITE, List.of(Message.text(clef)), List.of(),
                WireFrame.of(false, TEXT, Arrays.copyOfRange(c, 0, 2)), WireFrame.of(true, CONTINUATION, Arrays.copyOfRange(c, 2, 4)));
        String edges = "\u0000\u007f\u0080\u07ff\u0800\ud7ff\ue000\uffff" + new String(Character.toChars(0x10000))
                + new String(Character.toChars(0x10ffff));
        echo("code point boundaries (U+0000 .. U+10FFFF)", ONE_WRITE, List.of(Message.text(edges)), List.of(), WireFrame.text(edges));
        String[][] invalid = {
                {"ff", "byte 0xFF"},
                {"fe", "byte 0xFE"},
                {"80", "lone continuation byte"},
                {"c0af", "overlong 2-byte '/'"},
                {"e080af", "overlong 3-byte '/'"},
                {"f08080af", "overlong 4-byte '/'"},
                {"eda080", "UTF-16 surrogate U+D800"},
                {"edbfbf", "UTF-16 surrogate U+DFFF"},
                {"f4908080", "code point above U+10FFFF"},
                {"f888808080", "5-byte sequence"},
                {"c0", "truncated 2-byte sequence at the end"},
                {"e282", "truncated 3-byte sequence at the end"},
                {"c220", "continuation byte missing"},
        };
        byte[] kosme = utf8(KOSME);
        for (String[] bad : invalid) {
            byte[] b = concat(kosme, HexFormat.of().parseHex(bad[0]), utf8("edited"));
            if (bad[1].contains("at the end")) {
                b = concat(kosme, HexFormat.of().parseHex(bad[0]));
            }
            failing("invalid UTF-8: " + bad[1], INVALID_PAYLOAD, List.of(), WireFrame.of(true, TEXT, b));
        }
        byte[] surrogate = concat(kosme, HexFormat.of().parseHex("eda080"), utf8("edited"));
        add("invalid UTF-8, byte by byte", BYTE_BY_BYTE, true, Expected.fail(INVALID_PAYLOAD, List.of()),
                WireFrame.of(true, TEXT, surrogate));
        add("invalid sequence split across fragments", ONE_WRITE, true, Expected.failMaybePartial(INVALID_PAYLOAD, List.of()),
                WireFrame.of(false, TEXT, Arrays.copyOfRange(surrogate, 0, kosme.length + 1)),
                WireFrame.of(true, CONTINUATION, Arrays.copyOfRange(surrogate, kosme.length + 1, surrogate.length)));
        add("valid fragments, the message ends inside a character", ONE_WRITE, true,
                Expected.failMaybePartial(INVALID_PAYLOAD, List.of()),
                WireFrame.of(false, TEXT, kosme), WireFrame.of(true, CONTINUATION, HexFormat.of().parseHex("e282")));
        add("valid message, then invalid one", ONE_WRITE, true, Expected.fail(INVALID_PAYLOAD, List.of(Message.text(KOSME))),
                WireFrame.text(KOSME), WireFrame.of(true, TEXT, surrogate));
        // Fail fast: the rest of the message never comes, so only a side that validates as it reads
        // answers with 1007 (the peer sends no close of its own here).
        add("fail fast: invalid first fragment, the message never finishes", ONE_WRITE, false,
                Expected.failMaybePartial(INVALID_PAYLOAD, List.of()), WireFrame.of(false, TEXT, surrogate));
        add("fail fast: invalid bytes early in a frame that never finishes", ONE_WRITE, false,
                Expected.failMaybePartial(INVALID_PAYLOAD, List.of()),
                WireFrame.of(true, TEXT, concat(surrogate, fill(10_000, (byte) 'a'))).truncatedTo(surrogate.length));
    }

    // ---- 7 close handling -------------------------------------------------------------------

    private void closeHandling() {
        section("7");
        echo("message, then close", ONE_WRITE, List.of(Message.text("Hello")), List.of(), WireFrame.text("Hello"));
        add("close, then a second close", ONE_WRITE, false, Expected.close(NORMAL, List.of(), List.of()),
                WireFrame.close(1000, new byte[0]), WireFrame.close(1000, new byte[0]));
        add("close, then a ping (data after close)", ONE_WRITE, false, Expected.close(NORMAL, List.of(), List.of()),
                WireFrame.close(1000, new byte[0]), WireFrame.of(true, PING, utf8("late")));
        add("close, then a text message (data after close)", ONE_WRITE, false, Expected.close(NORMAL, List.of(), List.of()),
                WireFrame.close(1000, new byte[0]), WireFrame.text("late"));
        add("close inside a fragmented message", ONE_WRITE, false, new Expected(List.of(), List.of(), NORMAL, true),
                WireFrame.of(false, TEXT, utf8("frag1")), WireFrame.close(1000, new byte[0]),
                WireFrame.of(true, CONTINUATION, utf8("frag2")));
        add("close without payload", ONE_WRITE, false, Expected.close(NO_STATUS, List.of(), List.of()),
                WireFrame.of(true, CLOSE, new byte[0]));
        add("close with a 1-byte payload", ONE_WRITE, false, Expected.fail(PROTOCOL_ERROR, List.of()),
                WireFrame.of(true, CLOSE, new byte[] {0x03}));
        add("close 1000 with a reason", ONE_WRITE, false, Expected.close(NORMAL, List.of(), List.of()),
                WireFrame.close(1000, utf8("Hello World!")));
        add("close 1000 with a 123-byte reason", ONE_WRITE, false, Expected.close(NORMAL, List.of(), List.of()),
                WireFrame.close(1000, fill(123, (byte) '*')));
        add("close 1000 with a 124-byte reason (payload 126)", ONE_WRITE, false, Expected.fail(PROTOCOL_ERROR, List.of()),
                WireFrame.close(1000, fill(124, (byte) '*')));
        add("close with a reason that is not UTF-8", ONE_WRITE, false, Expected.fail(INVALID_PAYLOAD, List.of()),
                WireFrame.close(1000, concat(utf8(KOSME), HexFormat.of().parseHex("eda080"), utf8("edited"))));
        for (int code : new int[] {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999}) {
            add("valid close code " + code + " is echoed", ONE_WRITE, false, Expected.close(code, List.of(), List.of()),
                    WireFrame.close(code, new byte[0]));
        }
        for (int code : new int[] {0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535}) {
            add("invalid close code " + code, ONE_WRITE, false, Expected.fail(PROTOCOL_ERROR, List.of()),
                    WireFrame.close(code, new byte[0]));
        }
    }

    // ---- 9 limits and large messages -------------------------------------------------------

    private void limits() {
        section("9");
        byte[] text = payload(TEXT, 1024 * 1024);
        byte[] binary = payload(BINARY, 4 * 1024 * 1024);
        echo("text message of 1 MiB in one frame", ONE_WRITE, List.of(new Message(TEXT, text)), List.of(), WireFrame.of(true, TEXT, text));
        echo("binary message of 4 MiB in one frame", ONE_WRITE, List.of(new Message(BINARY, binary)), List.of(),
                WireFrame.of(true, BINARY, binary));
        for (int frameSize : new int[] {64, 4096, 65536}) {
            echo("text message of 1 MiB in " + frameSize + "-byte frames", CHOPPED, List.of(new Message(TEXT, text)), List.of(),
                    fragments(TEXT, text, frameSize));
        }
        echo("binary message of 4 MiB in 256 KiB frames", ONE_WRITE, List.of(new Message(BINARY, binary)), List.of(),
                fragments(BINARY, binary, 256 * 1024));
        WireFrame tooBig = WireFrame.of(true, BINARY, new byte[READ_LIMIT + 1]).truncatedTo(0);
        add("a frame header announcing more than the read limit", ONE_WRITE, false, Expected.fail(TOO_BIG, List.of()), tooBig);
        add("a fragmented message growing past the read limit", ONE_WRITE, false, Expected.failMaybePartial(TOO_BIG, List.of()),
                WireFrame.of(false, BINARY, new byte[READ_LIMIT - 10]),
                WireFrame.of(true, CONTINUATION, new byte[20]).truncatedTo(0));
    }

    // ---- M masking --------------------------------------------------------------------------

    private void masking() {
        section("M");
        failing("a text frame with the wrong masking for the sender's role", PROTOCOL_ERROR, List.of(),
                WireFrame.text("Hello").withMasking(WireFrame.Masking.WRONG));
        failing("a ping with the wrong masking for the sender's role", PROTOCOL_ERROR, List.of(),
                WireFrame.of(true, PING, utf8("Hello")).withMasking(WireFrame.Masking.WRONG));
        failing("a valid message, then a frame with the wrong masking", PROTOCOL_ERROR, List.of(Message.text("Hello")),
                WireFrame.text("Hello"), WireFrame.text("again").withMasking(WireFrame.Masking.WRONG));
    }

    // ---- 12 permessage-deflate --------------------------------------------------------------

    private static final String DEFLATE = "permessage-deflate";

    private void deflateCase(String title, Write write, Expected expected, WireFrame... frames) {
        all.add(new ConformanceCase(section + "." + (++n), title, List.of(frames), write, true, expected, DEFLATE, DEFLATE));
    }

    private void compression() {
        section("12");
        for (int size : new int[] {0, 16, 64, 256, 1024, 4096, 65536, 1024 * 1024}) {
            byte[] text = payload(TEXT, size);
            deflateCase("compressed text of " + size + " bytes", ONE_WRITE, Expected.close(NORMAL, List.of(new Message(TEXT, text)), List.of()),
                    WireFrame.deflated(TEXT, text, 1));
        }
        byte[] random = payload(BINARY, 65536);
        deflateCase("compressed binary of 64 KiB (incompressible)", ONE_WRITE,
                Expected.close(NORMAL, List.of(new Message(BINARY, random)), List.of()), WireFrame.deflated(BINARY, random, 1));
        byte[] big = payload(TEXT, 1024 * 1024);
        deflateCase("compressed text of 1 MiB in 16 frames, byte chunks", CHOPPED,
                Expected.close(NORMAL, List.of(new Message(TEXT, big)), List.of()), WireFrame.deflated(TEXT, big, 16));
        List<WireFrame> ten = new ArrayList<>();
        List<Message> tenEchoes = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String m = "message " + i + " " + SAMPLE.repeat(20);
            ten.add(WireFrame.deflated(TEXT, utf8(m), 1 + i % 3));
            tenEchoes.add(Message.text(m));
        }
        deflateCase("10 similar messages (the context carries over)", ONE_WRITE, Expected.close(NORMAL, tenEchoes, List.of()),
                ten.toArray(WireFrame[]::new));
        deflateCase("10 similar messages, byte by byte", BYTE_BY_BYTE, Expected.close(NORMAL, tenEchoes, List.of()),
                ten.toArray(WireFrame[]::new));
        deflateCase("an uncompressed message on a compressed connection", ONE_WRITE,
                Expected.close(NORMAL, List.of(Message.text(SAMPLE)), List.of()), WireFrame.text(SAMPLE));
        deflateCase("a ping between the frames of a compressed message", ONE_WRITE,
                Expected.close(NORMAL, List.of(new Message(TEXT, payload(TEXT, 300))), List.of(utf8("p"))),
                WireFrame.deflated(TEXT, payload(TEXT, 300), 1), WireFrame.of(true, PING, utf8("p")));
        deflateCase("RSV1 on a continuation frame", ONE_WRITE, Expected.failMaybePartial(PROTOCOL_ERROR, List.of()),
                WireFrame.of(false, TEXT, utf8("Hel")), WireFrame.of(true, CONTINUATION, utf8("lo")).withRsv(4));
        deflateCase("RSV1 on a ping", ONE_WRITE, Expected.fail(PROTOCOL_ERROR, List.of()),
                WireFrame.of(true, PING, utf8("Hello")).withRsv(4));
        deflateCase("RSV1 on a close", ONE_WRITE, Expected.fail(PROTOCOL_ERROR, List.of()),
                WireFrame.close(1000, new byte[0]).withRsv(4));
        deflateCase("RSV1 with data that is not deflate", ONE_WRITE, Expected.failMaybePartial(INVALID_PAYLOAD, List.of()),
                WireFrame.of(true, TEXT, HexFormat.of().parseHex("ffffffffffffffff")).withRsv(4));
        byte[] invalidText = concat(utf8(KOSME), HexFormat.of().parseHex("eda080"), utf8("edited"));
        deflateCase("compressed text that inflates to invalid UTF-8", ONE_WRITE, Expected.failMaybePartial(INVALID_PAYLOAD, List.of()),
                WireFrame.deflated(TEXT, invalidText, 1));
        deflateCase("a compressed message inflating past the read limit (a deflate bomb)", ONE_WRITE,
                Expected.failMaybePartial(TOO_BIG, List.of()), WireFrame.deflated(BINARY, new byte[READ_LIMIT + 1024], 1));
    }

    // ---- 13 negotiation ---------------------------------------------------------------------

    private void compressionNegotiation() {
        section("13");
        String[][] offers = {
                {"permessage-deflate", "permessage-deflate"},
                {"permessage-deflate; client_no_context_takeover", "permessage-deflate; client_no_context_takeover"},
                {"permessage-deflate; server_no_context_takeover", "permessage-deflate; server_no_context_takeover"},
                {"permessage-deflate; server_no_context_takeover; client_no_context_takeover",
                        "permessage-deflate; server_no_context_takeover; client_no_context_takeover"},
                {"permessage-deflate; client_max_window_bits", "permessage-deflate"},
                {"permessage-deflate; client_max_window_bits=10", "permessage-deflate"},
                {"permessage-deflate; server_max_window_bits=15", "permessage-deflate; server_max_window_bits=15"},
                {"permessage-deflate; server_max_window_bits=10", null},
                {"permessage-deflate; server_max_window_bits=10, permessage-deflate", "permessage-deflate"},
                {"permessage-deflate; unknown_parameter", null},
                {"x-webkit-deflate-frame", null},
        };
        for (String[] o : offers) {
            List<WireFrame> frames = new ArrayList<>();
            List<Message> echoes = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                String m = "negotiated " + i + " " + SAMPLE.repeat(10);
                frames.add(o[1] == null ? WireFrame.text(m) : WireFrame.deflated(TEXT, utf8(m), 1 + i));
                echoes.add(Message.text(m));
            }
            all.add(new ConformanceCase(section + "." + (++n), "offer " + o[0] + (o[1] == null ? " is declined" : ""),
                    frames, ONE_WRITE, true, Expected.close(NORMAL, echoes, List.of()), o[0], o[1]));
        }
    }

    // ---- helpers ----------------------------------------------------------------------------

    private static WireFrame[] fragments(int opcode, byte[] data, int size) {
        List<WireFrame> frames = new ArrayList<>();
        for (int off = 0; off < data.length; off += size) {
            int end = Math.min(data.length, off + size);
            frames.add(WireFrame.of(end == data.length, off == 0 ? opcode : CONTINUATION, Arrays.copyOfRange(data, off, end)));
        }
        return frames.toArray(WireFrame[]::new);
    }

    /** Text: a repeating multi-byte-free pattern (each byte a whole character); binary: random bytes. */
    static byte[] payload(int opcode, int len) {
        byte[] b = new byte[len];
        if (opcode == TEXT) {
            for (int i = 0; i < len; i++) {
                b[i] = (byte) ('a' + i % 26);
            }
        } else {
            new Random(len).nextBytes(b);
        }
        return b;
    }

    private static byte[] fill(int n, byte value) {
        byte[] b = new byte[n];
        Arrays.fill(b, value);
        return b;
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int off = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, off, p.length);
            off += p.length;
        }
        return out;
    }
}
