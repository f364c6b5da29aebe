package dev.etcdpoc.core;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Asks again until an answer comes or the deadline passes: for states that give no event to wait
 * on from outside (a member's health, who leads, how far a member has applied).
 */
public final class Poll {
    private static final long INTERVAL_MS = 50;

    private Poll() {
    }

    /** The first present value {@code probe} returns, or a {@link DemoFailure} saying {@code what} did not happen. */
    public static <T> T until(Duration within, String what, Supplier<Optional<T>> probe) {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            Optional<T> answer = probe.get();
            if (answer.isPresent()) {
                return answer.get();
            }
            if (System.nanoTime() > deadline) {
                throw new DemoFailure(what + " did not happen within " + Durations.format(within));
            }
            try {
                Thread.sleep(INTERVAL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DemoFailure(what + ": interrupted", e);
            }
        }
    }
}
