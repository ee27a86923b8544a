package dev.conduit.websocket.server.internal;

/** Test access to the takeover's fault injection ({@link TakeoverStep#injectedFailure}) from the starter's tests. */
public final class TakeoverFaults {
    private TakeoverFaults() {
    }

    /** Makes the step that takes the connection off Tomcat's poller (past the point of no return) fail. */
    public static void failPastPointOfNoReturn() {
        TakeoverStep.injectedFailure = TakeoverStep.DROP_KEY;
    }

    /** Stops injecting and turns the takeover back on. */
    public static void reset() {
        TakeoverStep.injectedFailure = null;
        TransportRuntime.resetTurnedOffForTests();
    }
}
