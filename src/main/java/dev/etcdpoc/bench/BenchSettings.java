package dev.etcdpoc.bench;

import java.util.List;

/**
 * One benchmark run as the user asked for it; validated by {@link BenchCommand}.
 *
 * @param levels requests in flight, one measurement per level, in this order, in one JVM and on one connection
 * @param total  timed requests at each level
 * @param warmup untimed requests before each level's measurement, or {@link #AUTO_WARMUP}: until the JIT has settled
 * @param compactHistory compact etcd's history before each level
 */
record BenchSettings(BenchOp op, List<Integer> levels, int total, int warmup, int keySpace, int valSize, boolean serializable,
                     boolean compactHistory) {
    static final int AUTO_WARMUP = -1;

    BenchSettings {
        levels = List.copyOf(levels);
    }

    boolean autoWarmup() {
        return warmup == AUTO_WARMUP;
    }
}
