package dev.etcdpoc.bench;

import java.time.Duration;

/**
 * The automatic warm-up: untimed requests, in rounds of about a second, until the JIT has
 * settled — two rounds in a row in which it spent under 5% of the round's time compiling.
 * A fixed count is wrong somewhere: on a quiet machine C2 is done after ~20000 requests, on a
 * busy one it was still compiling after 40000, and the timed part then pays for compilation
 * (BENCHMARKS.md). Bounded: after {@link #MAX} the measurement starts anyway, and the result's
 * JIT time shows it.
 */
final class WarmUp {
    static final Duration MAX = Duration.ofSeconds(60);
    private static final double SETTLED = 0.05;
    private static final int FIRST_ROUND = 2000;
    private static final int SETTLED_ROUNDS = 2;

    private WarmUp() {
    }

    /** Sends requests {@code first .. first+count-1} and says what they measured. */
    interface Rounds {
        LoadGenerator.Phase run(long first, long count);
    }

    /** Sends warm-up requests 0, 1, ... until the JIT has settled; returns how many it sent. */
    static long untilJitSettles(Rounds rounds) {
        long deadline = System.nanoTime() + MAX.toNanos();
        long sent = 0;
        long round = FIRST_ROUND;
        int settledRounds = 0;
        while (settledRounds < SETTLED_ROUNDS && System.nanoTime() < deadline) {
            LoadGenerator.Phase phase = rounds.run(sent, round);
            sent += round;
            double millis = phase.elapsedNanos() / 1e6;
            settledRounds = phase.jitMillis() <= SETTLED * millis ? settledRounds + 1 : 0;
            round = Math.max(FIRST_ROUND, (long) (round * 1000 / Math.max(1, millis)));
        }
        return sent;
    }
}
