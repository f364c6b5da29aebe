package dev.etcdpoc.local;

/**
 * A stop that also runs when the JVM shuts down (Ctrl-C, SIGTERM, the end of main), registered from the
 * moment it is made, so that nothing started afterwards can outlive a Ctrl-C; {@link #runNow()} runs it
 * by hand and withdraws it.
 */
final class ExitHook {
    private final Thread thread;

    ExitHook(String name, Runnable stop) {
        thread = new Thread(stop, name);
        Runtime.getRuntime().addShutdownHook(thread);
    }

    /** Runs the stop on this thread, then withdraws the hook. */
    void runNow() {
        thread.run();
        try {
            Runtime.getRuntime().removeShutdownHook(thread);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running or has run: what it stops is stopped either way
        }
    }
}
