package dev.etcdpoc.support;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A point in a run where its thread waits until the test lets it go: the test learns the run got
 * there, acts (kills a member, say), and resumes it, with no sleep and no race.
 */
final class HeldPoint {
    /** Bounded, so a test that fails before resume() cannot leave the run hanging. */
    private static final Duration HOLD_AT_MOST = Duration.ofSeconds(60);
    private final CountDownLatch reached = new CountDownLatch(1);
    private final CountDownLatch resumed = new CountDownLatch(1);

    /** Called on the run's thread: says it got here, then waits for {@link #resume()}. */
    void holdHere() {
        reached.countDown();
        try {
            resumed.await(HOLD_AT_MOST.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    boolean awaitReached(Duration timeout) throws InterruptedException {
        return reached.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    void resume() {
        resumed.countDown();
    }
}
