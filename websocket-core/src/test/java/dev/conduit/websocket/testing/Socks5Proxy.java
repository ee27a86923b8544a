package dev.conduit.websocket.testing;

import java.io.Closeable;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A test-only SOCKS5 proxy (RFC 1928): no authentication, {@code CONNECT} only, IPv4, IPv6 and
 * domain-name targets. Records the targets it was asked for as {@code host:port}.
 */
public final class Socks5Proxy implements Closeable {
    private final TestServer server;
    private final List<String> targets = new CopyOnWriteArrayList<>();

    private Socks5Proxy() throws IOException {
        this.server = TestServer.start(this::serve);
    }

    /**
     * @return a running proxy on 127.0.0.1
     * @throws IOException if binding fails
     */
    public static Socks5Proxy start() throws IOException {
        return new Socks5Proxy();
    }

    private void serve(Socket client) throws Exception {
        DataInputStream in = new DataInputStream(client.getInputStream());
        OutputStream out = client.getOutputStream();
        if (in.readUnsignedByte() != 5) {
            return;
        }
        byte[] methods = new byte[in.readUnsignedByte()];
        in.readFully(methods);
        out.write(new byte[] {5, 0}); // no authentication required
        out.flush();
        if (in.readUnsignedByte() != 5 || in.readUnsignedByte() != 1) {
            out.write(new byte[] {5, 7, 0, 1, 0, 0, 0, 0, 0, 0}); // command not supported
            return;
        }
        in.readUnsignedByte(); // reserved
        String host;
        int type = in.readUnsignedByte();
        if (type == 1 || type == 4) {
            byte[] addr = new byte[type == 1 ? 4 : 16];
            in.readFully(addr);
            host = InetAddress.getByAddress(addr).getHostAddress();
        } else {
            byte[] name = new byte[in.readUnsignedByte()];
            in.readFully(name);
            host = new String(name, StandardCharsets.US_ASCII);
        }
        int port = in.readUnsignedShort();
        targets.add(host + ":" + port);
        try (Socket upstream = new Socket(host, port)) {
            out.write(new byte[] {5, 0, 0, 1, 0, 0, 0, 0, 0, 0});
            out.flush();
            Relay.run(client, upstream);
        }
    }

    /** @return the port */
    public int port() {
        return server.port();
    }

    /** @return the requested targets, {@code host:port} */
    public List<String> targets() {
        return targets;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
