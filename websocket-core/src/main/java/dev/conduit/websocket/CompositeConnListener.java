package dev.conduit.websocket;

import java.io.IOException;

/** Passes every event to several listeners in order; made by {@link ConnListener#composite}. */
final class CompositeConnListener implements ConnListener {
    private final ConnListener[] listeners;

    CompositeConnListener(ConnListener[] listeners) {
        this.listeners = listeners;
    }

    @Override
    public ConnListener perConnection() {
        ConnListener[] each = null;
        for (int i = 0; i < listeners.length; i++) {
            ConnListener l = listeners[i].perConnection();
            if (l != listeners[i] && each == null) {
                each = listeners.clone();
            }
            if (each != null) {
                each[i] = l;
            }
        }
        return each == null ? this : new CompositeConnListener(each);
    }

    @Override
    public void handshakeFailed(int status, IOException error) {
        for (ConnListener l : listeners) {
            l.handshakeFailed(status, error);
        }
    }

    @Override
    public void opened(Conn conn) {
        for (ConnListener l : listeners) {
            l.opened(conn);
        }
    }

    @Override
    public void messageRead(int messageType, long bytes) {
        for (ConnListener l : listeners) {
            l.messageRead(messageType, bytes);
        }
    }

    @Override
    public void messageWritten(int messageType, long bytes) {
        for (ConnListener l : listeners) {
            l.messageWritten(messageType, bytes);
        }
    }

    @Override
    public void controlReceived(int messageType) {
        for (ConnListener l : listeners) {
            l.controlReceived(messageType);
        }
    }

    @Override
    public void controlSent(int messageType) {
        for (ConnListener l : listeners) {
            l.controlSent(messageType);
        }
    }

    @Override
    public void error(ErrorKind kind, Throwable error) {
        for (ConnListener l : listeners) {
            l.error(kind, error);
        }
    }

    @Override
    public void closed(int code, Initiator initiator) {
        for (ConnListener l : listeners) {
            l.closed(code, initiator);
        }
    }
}
