package dev.conduit.websocket.spring.endpoint;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Carries thread-bound state of the upgrade request (its security context, for example) to the
 * thread that runs the endpoint's handler method, which is not the request's thread and runs after
 * the request's filters have cleaned up. Every bean of this type applies to every endpoint.
 */
@FunctionalInterface
public interface HandlerContextPropagator {

    /**
     * Called on the request's thread, after the filter chain and before the upgrade.
     *
     * @param request the upgrade request
     * @return what to restore around the handler, or {@link Snapshot#NONE}
     */
    Snapshot capture(HttpServletRequest request);

    /** State captured from one upgrade request. */
    @FunctionalInterface
    interface Snapshot {
        /** Restores nothing. */
        Snapshot NONE = () -> Scope.NONE;

        /**
         * Called on the handler's thread just before the handler method.
         *
         * @return the scope, closed on the same thread when the handler method has returned or thrown
         */
        Scope restore();
    }

    /** Undoes a {@link Snapshot#restore()}. */
    @FunctionalInterface
    interface Scope extends AutoCloseable {
        /** Does nothing. */
        Scope NONE = () -> { };

        /**
         * Called on the handler's thread when the handler method has ended, just before {@link #close()}.
         *
         * @param failure what the handler method threw, or {@code null} when it returned
         */
        default void handlerEnded(Throwable failure) {
        }

        @Override
        void close();
    }
}
