package dev.etcdpoc.bench;

import java.io.PrintStream;
import java.util.concurrent.TimeUnit;

/** One self-overwriting status line on stderr, only when stderr is a terminal (never in logs or pipes). */
final class Progress {
    private static final long EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    private final PrintStream err;
    private final boolean enabled;
    private long lastShown;
    private int width;

    Progress(PrintStream err, boolean enabled) {
        this.err = err;
        this.enabled = enabled;
    }

    void show(String phase, long answered, long count, long elapsedNanos) {
        if (!enabled || elapsedNanos - lastShown < EVERY_NANOS) {
            return;
        }
        lastShown = elapsedNanos;
        double seconds = elapsedNanos / 1e9;
        String line = String.format("%s: %d/%d requests, %.0f/s, %.1fs", phase, answered, count, answered / seconds, seconds);
        width = Math.max(width, line.length());
        err.print("\r" + line);
        err.flush();
    }

    void clear() {
        if (enabled && width > 0) {
            err.print("\r" + " ".repeat(width) + "\r");
            err.flush();
        }
        lastShown = 0;
        width = 0;
    }
}
