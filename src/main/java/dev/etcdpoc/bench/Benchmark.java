package dev.etcdpoc.bench;

import dev.etcdpoc.core.DemoFailure;
import dev.etcdpoc.core.Failures;
import io.etcd.jetcd.Client;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One benchmark run through connected clients: write the keys a get run reads; then for each
 * level of requests in flight, warm up and measure; and delete everything the run wrote under
 * bench/ — also when the run fails or is stopped with Ctrl-C.
 */
final class Benchmark {
    /** Requests in flight while writing the keys a get run reads: quick whatever the levels measured. */
    private static final int WRITERS = 16;
    private final BenchClients clients;
    private final Client compactor;
    private final BenchSettings settings;
    private final Duration timeout;
    private final Progress progress;
    private final PrintStream err;
    /** Guarded by this: the generator sending now, and whether Ctrl-C has stopped the run. */
    private LoadGenerator current;
    private boolean stopping;
    private boolean cleanedUp;
    /** A result per level measured so far: what a run that fails midway still reports. */
    private final List<BenchResult> results = new ArrayList<>();

    /**
     * What a run measured: a result per level (the last one cut short if etcd stopped answering in its
     * timed part), and why it ended early, if it did.
     *
     * @param failure  why the run ended before measuring every level, or null
     * @param cleanUp  why the keys under bench/ could not be deleted afterwards, or null
     */
    record Outcome(List<BenchResult> results, DemoFailure failure, DemoFailure cleanUp) {
    }

    /**
     * @param compactor with --compact-history: the client that compacts, whose deadline is {@link BenchKeys#COMPACTION_LIMIT}; else null
     */
    Benchmark(BenchClients clients, Client compactor, BenchSettings settings, Duration timeout, Progress progress, PrintStream err) {
        this.clients = clients;
        this.compactor = compactor;
        this.settings = settings;
        this.timeout = timeout;
        this.progress = progress;
        this.err = err;
    }

    /**
     * @param cleanUpOnExit also delete the run's keys when the JVM is stopped (Ctrl-C); pointless for a
     *                      throwaway etcd, which is deleted as a whole
     */
    Outcome run(boolean cleanUpOnExit) {
        // One read before anything is written: an etcd that does not answer ends the run here, with no
        // figure to print and no keys of the run to speak of.
        BenchKeys.currentRevision(clients.first(), timeout);
        Thread onExit = new Thread(this::stopAndCleanUp, "bench-cleanup");
        if (cleanUpOnExit) {
            Runtime.getRuntime().addShutdownHook(onExit);
        }
        try {
            DemoFailure failure = null;
            try {
                measure();
            } catch (DemoFailure e) {
                failure = e;
            }
            DemoFailure cleanUpFailure = null;
            try {
                cleanUp();
            } catch (DemoFailure e) {
                cleanUpFailure = e;
            }
            synchronized (this) {
                return new Outcome(List.copyOf(results), failure, cleanUpFailure);
            }
        } finally {
            if (cleanUpOnExit) {
                removeHook(onExit);
            }
        }
    }

    private void measure() {
        BenchKeys keys = new BenchKeys(settings.keySpace(), settings.valSize());
        String name = "bench " + settings.op();
        // A get of a missing key is a different (cheaper) path in etcd: gets read keys written first.
        long readable = Math.min(settings.keySpace(), settings.largestTotal());
        if (settings.op() == BenchOp.GET) {
            phase(Workload.of(BenchOp.PUT, clients, keys, false, 0), "writing " + readable + " keys to get", WRITERS, 0, readable);
        }
        // Asked once, up front: the management classes it loads are loaded before the JIT compiles the hot path.
        JvmHeap heap = JvmHeap.current();
        int processors = Runtime.getRuntime().availableProcessors();
        try (Workload workload = settings.op() == BenchOp.WATCH
                ? new WatchWorkload(clients, keys, settings.valSize(), BenchKeys.currentRevision(clients.first(), timeout) + 1)
                : Workload.of(settings.op(), clients, keys, settings.serializable(), readable)) {
            // Request numbers go on from level to level, so every level writes the same spread of keys.
            long sent = 0;
            for (int index = 0; index < settings.levels().size(); index++) {
                int inFlight = settings.levels().get(index);
                long start = sent;
                String level = name + ", " + inFlight + " in flight";
                if (settings.compactHistory()) {
                    // Before the warm-up, not between it and the timed part: compacting runs code the
                    // hot path shares (jetcd's KV calls), which can undo what the JIT compiled for it,
                    // and the warm-up then compiles it again (seen: 0.4-0.6 s of compiling inside the
                    // timed part when compacting after the warm-up).
                    BenchKeys.compactHistory(compactor);
                }
                WarmUp.Rounds warmUp = (first, count) -> phase(workload, level + ", warm-up", inFlight, start + first, count);
                long warmup = settings.warmup();
                if (settings.autoWarmup()) {
                    warmup = WarmUp.untilJitSettles(warmUp);
                } else if (warmup > 0) {
                    warmUp.run(0, warmup);
                }
                long count = settings.timedRequests(index);
                LoadGenerator.Phase timed = send(workload, level, inFlight, start + warmup, count);
                synchronized (this) {
                    results.add(new BenchResult(settings, inFlight, warmup, timed, heap, processors));
                }
                requireAnswered(level, timed, count);
                sent = start + warmup + count;
            }
        }
    }

    /** One phase whose every request must be answered, or the run ends here. */
    private LoadGenerator.Phase phase(Workload workload, String name, int inFlight, long first, long count) {
        LoadGenerator.Phase phase = send(workload, name, inFlight, first, count);
        requireAnswered(name, phase, count);
        return phase;
    }

    /** Fails the run when etcd stopped answering in {@code phase}, saying where. */
    private static void requireAnswered(String name, LoadGenerator.Phase phase, long count) {
        if (phase.stoppedBy() != null) {
            throw new DemoFailure(name + ": etcd stopped answering after " + phase.requests() + " of " + count + " requests ("
                + phase.errors() + " failed): " + Failures.describe(phase.stoppedBy()), phase.stoppedBy());
        }
    }

    /** Sends one phase's requests; it may end early, when etcd stopped answering (see the phase's stoppedBy). */
    private LoadGenerator.Phase send(Workload workload, String name, int inFlight, long first, long count) {
        LoadGenerator generator;
        synchronized (this) {
            if (stopping) {
                throw new DemoFailure(name + ": stopped");
            }
            generator = new LoadGenerator(workload, inFlight, timeout);
            current = generator;
        }
        LoadGenerator.Phase phase = generator.run(name, first, count, progress);
        if (generator.stopped()) {
            throw new DemoFailure(name + ": stopped");
        }
        if (phase.stoppedBy() == null && phase.errors() == phase.requests()) {
            throw new DemoFailure(name + ": every request failed: " + Failures.describe(phase.firstError()), phase.firstError());
        }
        return phase;
    }

    /** Ctrl-C: start no more requests and let those in flight finish (bounded), so none writes after the delete. */
    private void stopAndCleanUp() {
        LoadGenerator generator;
        synchronized (this) {
            stopping = true;
            generator = current;
        }
        try {
            if (generator != null) {
                generator.stop();
                generator.awaitIdle(timeout);
            }
            cleanUp();
        } catch (DemoFailure e) {
            err.println("poc: bench stopped; could not delete the keys under " + BenchKeys.PREFIX + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Once, whichever of the normal end and the shutdown hook gets here first. */
    private synchronized void cleanUp() {
        if (!cleanedUp) {
            cleanedUp = true;
            BenchKeys.deleteAll(clients.first(), timeout);
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running or has run: it cleans up either way
        }
    }
}
