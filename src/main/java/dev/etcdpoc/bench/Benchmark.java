package dev.etcdpoc.bench;

import dev.etcdpoc.core.DemoFailure;
import dev.etcdpoc.core.Failures;
import dev.etcdpoc.core.Undo;
import io.etcd.jetcd.Client;
import java.io.PrintStream;
import java.time.Duration;

/**
 * One benchmark run against a connected client: check that bench/ is free, write the keys a get
 * run reads, warm up, measure, and delete everything under bench/ — also when the run fails or
 * is stopped with Ctrl-C.
 */
final class Benchmark {
    private final Client client;
    private final BenchSettings settings;
    private final Duration timeout;
    private final Progress progress;
    private final PrintStream err;
    /** Guarded by this: the generator sending now, and whether Ctrl-C has stopped the run. */
    private LoadGenerator current;
    private boolean stopping;
    private boolean cleanedUp;

    Benchmark(Client client, BenchSettings settings, Duration timeout, Progress progress, PrintStream err) {
        this.client = client;
        this.settings = settings;
        this.timeout = timeout;
        this.progress = progress;
        this.err = err;
    }

    /**
     * @param cleanUpOnExit also delete the run's keys when the JVM is stopped (Ctrl-C); pointless for a
     *                      throwaway etcd, which is deleted as a whole
     */
    BenchResult run(boolean cleanUpOnExit) {
        Thread onExit = new Thread(this::stopAndCleanUp, "bench-cleanup");
        if (cleanUpOnExit) {
            Runtime.getRuntime().addShutdownHook(onExit);
        }
        try (Undo deleteWhatItWrote = this::cleanUp) {
            return measure();
        } finally {
            if (cleanUpOnExit) {
                removeHook(onExit);
            }
        }
    }

    private BenchResult measure() {
        BenchKeys keys = new BenchKeys(settings.keySpace(), settings.valSize());
        String name = "bench " + settings.op();
        // A get of a missing key is a different (cheaper) path in etcd: gets read keys written first.
        long readable = Math.min(settings.keySpace(), settings.total());
        if (settings.op() == BenchOp.GET) {
            phase(Workload.of(BenchOp.PUT, client, keys, false, 0), "writing " + readable + " keys to get", 0, readable);
        }
        try (Workload workload = settings.op() == BenchOp.WATCH
                ? new WatchWorkload(client, keys, settings.valSize(), BenchKeys.currentRevision(client, timeout) + 1)
                : Workload.of(settings.op(), client, keys, settings.serializable(), readable)) {
            WarmUp.Rounds warmUp = (first, count) -> phase(workload, name + " warm-up", first, count);
            long warmup = settings.warmup();
            if (settings.autoWarmup()) {
                warmup = WarmUp.untilJitSettles(warmUp);
            } else if (warmup > 0) {
                warmUp.run(0, warmup);
            }
            return new BenchResult(settings, warmup, phase(workload, name, warmup, settings.total()));
        }
    }

    private LoadGenerator.Phase phase(Workload workload, String name, long first, long count) {
        LoadGenerator generator;
        synchronized (this) {
            if (stopping) {
                throw new DemoFailure(name + ": stopped");
            }
            generator = new LoadGenerator(workload, settings.clients(), timeout);
            current = generator;
        }
        LoadGenerator.Phase phase = generator.run(name, first, count, progress);
        if (generator.stopped()) {
            throw new DemoFailure(name + ": stopped");
        }
        if (phase.errors() == phase.requests()) {
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
            BenchKeys.deleteAll(client, timeout);
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
