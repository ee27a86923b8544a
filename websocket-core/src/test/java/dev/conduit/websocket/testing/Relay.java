package dev.conduit.websocket.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

/** Test-only: copies bytes both ways between two sockets until both directions end. */
final class Relay {
    private Relay() {
    }

    /**
     * @param a one socket
     * @param b the other
     * @throws InterruptedException if interrupted while waiting for the second direction
     */
    static void run(Socket a, Socket b) throws InterruptedException {
        Thread back = new Thread(() -> copy(b, a), "relay-back");
        back.setDaemon(true);
        back.start();
        copy(a, b);
        back.join();
    }

    private static void copy(Socket from, Socket to) {
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
                out.flush();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            // One side failed or closed; end both directions.
            try {
                to.close();
                from.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
