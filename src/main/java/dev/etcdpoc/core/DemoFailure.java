package dev.etcdpoc.core;

/**
 * A failure the user can act on, already phrased as one line. Main prints the message and
 * exits 1; the cause is kept for --verbose.
 */
public class DemoFailure extends RuntimeException {
    public DemoFailure(String message) {
        super(message);
    }

    public DemoFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
