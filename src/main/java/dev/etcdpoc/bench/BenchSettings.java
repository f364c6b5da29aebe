package dev.etcdpoc.bench;

import java.util.Collections;
import java.util.List;

/**
 * One benchmark run as the user asked for it; validated by {@link BenchCommand}.
 *
 * @param levels requests in flight, one measurement per level, in this order, in one JVM and through the same clients
 * @param totals timed requests at each level, at least: one count per level, or one for all
 * @param minPerClient timed requests per request in flight, at least: a level's count is the larger of the two
 * @param warmup untimed requests before each level's measurement, or {@link #AUTO_WARMUP}: until the JIT has settled
 * @param compactHistory compact etcd's history before each level
 * @param client which client set-up to measure
 */
record BenchSettings(BenchOp op, List<Integer> levels, List<Integer> totals, int minPerClient, int warmup, int keySpace, int valSize, boolean serializable,
                     boolean compactHistory, ClientSetup client) {
    static final int AUTO_WARMUP = -1;

    BenchSettings {
        levels = List.copyOf(levels);
        totals = totals.size() == 1 ? Collections.nCopies(levels.size(), totals.get(0)) : List.copyOf(totals);
        if (totals.size() != levels.size()) {
            throw new IllegalArgumentException(totals.size() + " totals for " + levels.size() + " levels");
        }
    }

    /**
     * The timed requests of the level at {@code index} of {@link #levels}. With fewer than ~100 per chain
     * the p99 is set by a single burst: at 256 in flight, 10 000 requests are 39 per chain, and their
     * slowest 1% (100 requests) is less than one round of all 256 chains, so one slow round of etcd decides it.
     */
    long timedRequests(int index) {
        return Math.max(totals.get(index), (long) minPerClient * levels.get(index));
    }

    /** The largest of {@link #totals}. */
    int largestTotal() {
        return Collections.max(totals);
    }

    boolean autoWarmup() {
        return warmup == AUTO_WARMUP;
    }
}
