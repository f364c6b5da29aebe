package dev.etcdpoc.bench;

/**
 * One benchmark run as the user asked for it; validated by {@link BenchCommand}.
 *
 * @param warmup untimed requests before the measurement, or {@link #AUTO_WARMUP}: until the JIT has settled
 */
record BenchSettings(BenchOp op, int clients, int total, int warmup, int keySpace, int valSize, boolean serializable) {
    static final int AUTO_WARMUP = -1;

    boolean autoWarmup() {
        return warmup == AUTO_WARMUP;
    }
}
