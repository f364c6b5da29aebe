package dev.etcdpoc.support;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Another client at work while a test runs, on a thread of its own: one step, a pause (its pace, not a
 * synchronisation), again, until closed. A step that fails is tried again at the next round, as a real
 * operator's tool would.
 */
public final class Background implements AutoCloseable {
    private static final Duration STOP = Duration.ofSeconds(10);
    private final Thread thread;
    private volatile boolean stopping;

    private Background(String name, LongSupplier pauseMillis, Runnable step) {
        thread = new Thread(() -> {
            while (!stopping) {
                try {
                    step.run();
                } catch (RuntimeException passing) {
                    // an election under way, a revision already compacted: the next round goes on
                }
                try {
                    TimeUnit.MILLISECONDS.sleep(pauseMillis.getAsLong());
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, name);
        thread.setDaemon(true);
    }

    /** Starts doing {@code step} every {@code pauseMillis} until closed. */
    public static Background start(String name, LongSupplier pauseMillis, Runnable step) {
        Background background = new Background(name, pauseMillis, step);
        background.thread.start();
        return background;
    }

    @Override
    public void close() {
        stopping = true;
        thread.interrupt();
        try {
            thread.join(STOP.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
