package dev.etcdpoc.bench;

import java.util.Locale;

/** The result as one JSON object on one line, for scripts (the same field names as the Go anchor's -json). */
final class BenchJson {
    private BenchJson() {
    }

    static String of(BenchResult r) {
        BenchSettings s = r.settings();
        return String.format(Locale.ROOT, "{\"client\":\"jetcd\",\"op\":\"%s\",\"clients\":%d,\"total\":%d,\"warmup\":%d,"
                + "\"key_space\":%d,\"val_size\":%d,\"serializable\":%b,\"ops_per_sec\":%.1f,\"p50_ms\":%.3f,\"p90_ms\":%.3f,"
                + "\"p99_ms\":%.3f,\"p999_ms\":%.3f,\"max_ms\":%.3f,\"cpu_us_per_op\":%.1f,\"jit_ms\":%d,\"heap_fixed\":%b,"
                + "\"processors\":%d,\"client_setup\":\"%s\",\"client_threads\":%d,\"errors\":%d}",
            s.op(), r.clients(), r.timed().requests(), r.warmup(), s.keySpace(), s.valSize(), s.serializable(), r.opsPerSecond(),
            r.latencyMs(50), r.latencyMs(90), r.latencyMs(99), r.latencyMs(99.9), r.maxLatencyMs(), r.cpuMicrosPerOp(),
            r.timed().jitMillis(), r.heap().fixed(), r.processors(), s.client().label(), s.client().ioThreads(), r.errors());
    }
}
