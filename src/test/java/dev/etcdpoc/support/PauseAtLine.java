package dev.etcdpoc.support;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A run's stdout that holds the printing thread at one line until the test lets it go: a fixed
 * point in the middle of a run at which a test can act (kill etcd, say), with no sleep and no race.
 */
public final class PauseAtLine extends OutputStream {
    private final String line;
    private final ByteArrayOutputStream current = new ByteArrayOutputStream();
    private final HeldPoint point = new HeldPoint();

    public PauseAtLine(String line) {
        this.line = line;
    }

    @Override
    public void write(int b) {
        if (b != '\n') {
            current.write(b);
            return;
        }
        boolean match = current.toString(StandardCharsets.UTF_8).equals(line);
        current.reset();
        if (match) {
            point.holdHere();
        }
    }

    /** True once the run has printed the line (and waits there), false if it did not within {@code timeout}. */
    public boolean awaitReached(Duration timeout) throws InterruptedException {
        return point.awaitReached(timeout);
    }

    /** Lets the run go on. */
    public void resume() {
        point.resume();
    }
}
