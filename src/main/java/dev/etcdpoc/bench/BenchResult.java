package dev.etcdpoc.bench;

import java.io.PrintStream;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * What the timed part of one level measured, and how it is printed for people.
 *
 * @param clients requests in flight
 * @param warmup  how many untimed requests went first, at this level
 * @param heap    how the JVM's heap was set up, which the CPU per request depends on
 * @param processors the processors this JVM could use (Runtime.availableProcessors: cores, or fewer under a CPU
 *                   affinity mask or a container's CPU limit), which the tuned client's I/O threads follow
 */
record BenchResult(BenchSettings settings, int clients, long warmup, LoadGenerator.Phase timed, JvmHeap heap, int processors) {

    double opsPerSecond() {
        return timed.requests() / (timed.elapsedNanos() / 1e9);
    }

    /** Latency at {@code percentile} (0..100) in milliseconds, over the requests that succeeded. */
    double latencyMs(double percentile) {
        Histogram h = timed.latencies();
        return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(percentile) / 1e6;
    }

    double maxLatencyMs() {
        return timed.latencies().getMaxValue() / 1e6;
    }

    /** The JVM's CPU time over the timed part, divided by its requests: what each request cost this client. */
    double cpuMicrosPerOp() {
        return timed.cpuNanos() / 1e3 / timed.requests();
    }

    long errors() {
        return timed.errors();
    }

    void print(PrintStream out) {
        BenchSettings s = settings;
        out.println(String.format(Locale.ROOT, "bench %s: %d requests, %d in flight, %d-byte values, %d keys%s, after %d untimed warm-up requests%s; "
                + "%d %s, %s%s",
            s.op(), timed.requests(), clients, s.valSize(), s.keySpace(), s.serializable() ? ", serializable" : "", warmup,
            s.autoWarmup() ? " (until the JIT settled)" : "", processors, processors == 1 ? "processor" : "processors",
            s.client().describe(), timed.stoppedBy() != null ? "; cut short: etcd stopped answering" : ""));
        out.println(String.format(Locale.ROOT, "throughput    %.0f ops/s (%.2f s)", opsPerSecond(), timed.elapsedNanos() / 1e9));
        out.println(String.format(Locale.ROOT, "latency ms    p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f",
            latencyMs(50), latencyMs(90), latencyMs(99), latencyMs(99.9), maxLatencyMs()));
        out.println(String.format(Locale.ROOT, "client CPU    %.1f us per request (this JVM's process CPU time; JIT compiling for %d ms of it)",
            cpuMicrosPerOp(), timed.jitMillis()));
        out.println("JVM heap      " + heap.describe());
        out.println("errors        " + errors());
    }
}
