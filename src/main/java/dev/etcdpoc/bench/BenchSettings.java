package dev.etcdpoc.bench;

import java.util.List;

/**
 * One benchmark run as the user asked for it; validated by {@link BenchCommand}.
 *
 * @param levels requests in flight, one measurement per level, in this order, in one JVM and on one connection
 * @param total  timed requests at each level, at least
 * @param minPerClient timed requests per request in flight, at least: a level's count is the larger of the two
 * @param warmup untimed requests before each level's measurement, or {@link #AUTO_WARMUP}: until the JIT has settled
 * @param compactHistory compact etcd's history before each level
 */
record BenchSettings(BenchOp op, List<Integer> levels, int total, int minPerClient, int warmup, int keySpace, int valSize, boolean serializable,
                     boolean compactHistory) {
    static final int AUTO_WARMUP = -1;

    BenchSettings {
        levels = List.copyOf(levels);
    }

    /**
     * The timed requests at {@code inFlight} requests in flight. With fewer than ~100 per chain the p99
     * is set by a single burst: at 256 in flight, 10 000 requests are 39 per chain, and their slowest
     * 1% (100 requests) is less than one round of all 256 chains, so one slow round of etcd decides it.
     */
    long timedRequests(int inFlight) {
        return Math.max(total, (long) minPerClient * inFlight);
    }

    boolean autoWarmup() {
        return warmup == AUTO_WARMUP;
    }
}
