package dev.conduit.websocket.server.internal;

/**
 * The steps of taking a connection's channel from Tomcat ({@link TomcatSocketLevers#takeChannel}),
 * in order. A failure before the point of no return leaves the connection with Tomcat; after it
 * the connection is lost. Either way the takeover is turned off ({@link TransportRuntime}).
 */
enum TakeoverStep {
    LOOK_UP("look up Tomcat's poller, buffers and close flag", false),
    CHECK_STATE("check the connection's state in Tomcat", false),
    AWAIT_POLLER_ROUND("wait for Tomcat's poller to leave the connection's dispatch", false),
    COPY_READ_AHEAD("copy the bytes Tomcat read past the upgrade request", true),
    HOLD_CLOSE("hold off Tomcat's close", true),
    DROP_KEY("take the connection off Tomcat's poller", true),
    REGISTER("register the connection with a read loop", true);

    /** Tests only: the step that fails on purpose, or null. */
    static volatile TakeoverStep injectedFailure;
    /** Tests only: the step held up on purpose ({@link #injectedDelayMillis}), or null. */
    static volatile TakeoverStep injectedDelay;
    static volatile long injectedDelayMillis;

    private final String description;
    private final boolean pastPointOfNoReturn;

    TakeoverStep(String description, boolean pastPointOfNoReturn) {
        this.description = description;
        this.pastPointOfNoReturn = pastPointOfNoReturn;
    }

    /** @return what the step does, for log lines */
    String description() {
        return description;
    }

    /** @return whether a failure at this step loses the connection */
    boolean pastPointOfNoReturn() {
        return pastPointOfNoReturn;
    }

    /** Marks the start of the step: fails, or waits, when a test injected a failure or a delay here. */
    void enter() {
        if (injectedFailure == this) {
            throw new IllegalStateException("failure injected at the takeover step " + name());
        }
        if (injectedDelay == this) {
            try {
                Thread.sleep(injectedDelayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
