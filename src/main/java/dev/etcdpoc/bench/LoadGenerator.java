package dev.etcdpoc.bench;

import dev.etcdpoc.core.DemoFailure;
import dev.etcdpoc.core.Durations;
import dev.etcdpoc.core.Failures;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Keeps N requests in flight: N chains, each sending its next request when etcd has answered the
 * previous one — no thread per request and no thread blocked on a future, the way the Go anchor's
 * N goroutines each wait for their reply. Latencies go into one histogram per phase, shared by the
 * chains: recording into it is wait-free. Not one per chain: a histogram at 3 significant digits
 * spanning 100 ms is ~150 KB, so 1024 chains made 150 MB per phase that lived as long as the phase,
 * survived young collections and filled the old generation; the full collections that followed
 * (40-180 ms) landed in the next level's timed part.
 */
final class LoadGenerator {
    private static final long TICK_MS = 250;

    private final Workload workload;
    private final int chains;
    /** No answer at all for this long means etcd (or the watch) is stuck, not slow: every unary call has a deadline of {@code timeout}. */
    private final Duration stallLimit;
    private volatile boolean stopped;
    private volatile CountDownLatch running = new CountDownLatch(0);
    /** Failures in a row, with no success between: how etcd stopping is told from a request failing now and then. */
    private final AtomicLong failuresInARow = new AtomicLong();
    private final AtomicReference<Throwable> stoppedBy = new AtomicReference<>();

    LoadGenerator(Workload workload, int chains, Duration timeout) {
        this.workload = workload;
        this.chains = chains;
        this.stallLimit = timeout.multipliedBy(2);
    }

    /**
     * What one phase measured. Latencies in nanoseconds.
     *
     * @param requests  the requests answered (each of them, or with an error): all that were asked for,
     *                  unless {@code stoppedBy} cut the phase short
     * @param stoppedBy why the phase stopped before it sent all: etcd stopped answering (its last failure,
     *                  or a TimeoutException when nothing came back at all); null when it sent them all
     */
    record Phase(long requests, Histogram latencies, long errors, Throwable firstError, long elapsedNanos, long cpuNanos,
                 long jitMillis, Throwable stoppedBy) {
    }

    /** Sends requests {@code first .. first+count-1} with {@link #chains} in flight and returns once all are answered. */
    Phase run(String name, long first, long count, Progress progress) {
        AtomicLong next = new AtomicLong(first);
        long end = first + count;
        LongAdder answered = new LongAdder();
        LongAdder errors = new LongAdder();
        AtomicReference<Throwable> firstError = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(chains);
        running = done;
        Histogram latencies = new ConcurrentHistogram(3);

        long cpuStart = ProcessCpu.nanos();
        long jitStart = ProcessCpu.jitMillis();
        long start = System.nanoTime();
        for (int i = 0; i < chains; i++) {
            new Chain(i, next, end, latencies, answered, errors, firstError, done).sendNext();
        }
        awaitChains(name, done, answered, count, start, progress);
        long elapsed = System.nanoTime() - start;
        long cpu = ProcessCpu.nanos() - cpuStart;
        long jit = ProcessCpu.jitMillis() - jitStart;
        return new Phase(answered.sum(), latencies, errors.sum(), firstError.get(), elapsed, cpu, jit, stoppedBy.get());
    }

    /** Sends no new requests; those in flight still complete. */
    void stop() {
        stopped = true;
    }

    /** True when {@link #stop()} ended the run early: Ctrl-C, not etcd. */
    boolean stopped() {
        return stopped && stoppedBy.get() == null;
    }

    /** After {@link #stop()}: waits (bounded) until no request is in flight. */
    boolean awaitIdle(Duration timeout) throws InterruptedException {
        return running.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void awaitChains(String name, CountDownLatch done, LongAdder answered, long count, long start, Progress progress) {
        long lastAnswered = -1;
        long lastChange = System.nanoTime();
        try {
            while (!done.await(TICK_MS, TimeUnit.MILLISECONDS)) {
                long now = System.nanoTime();
                long sum = answered.sum();
                if (sum != lastAnswered) {
                    lastAnswered = sum;
                    lastChange = now;
                } else if (now - lastChange > stallLimit.toNanos()) {
                    // Every request in flight has a deadline; none came back at all: etcd is stuck, not slow.
                    stoppedBy.compareAndSet(null, new TimeoutException("no request answered for " + Durations.format(stallLimit)));
                    stop();
                    return;
                }
                progress.show(name, sum, count, now - start);
            }
        } catch (InterruptedException e) {
            stop();
            Thread.currentThread().interrupt();
            throw new DemoFailure(name + ": interrupted", e);
        } finally {
            progress.clear();
        }
    }

    /** One request in flight at a time: the next is sent from the completion of the previous. */
    private final class Chain {
        /** Which chain this is: it sends through that chain's client (see {@link BenchClients}). */
        final int number;
        final AtomicLong next;
        final long end;
        final Histogram latencies;
        final LongAdder answered;
        final LongAdder errors;
        final AtomicReference<Throwable> firstError;
        final CountDownLatch done;

        Chain(int number, AtomicLong next, long end, Histogram latencies, LongAdder answered, LongAdder errors,
              AtomicReference<Throwable> firstError, CountDownLatch done) {
            this.number = number;
            this.next = next;
            this.end = end;
            this.latencies = latencies;
            this.answered = answered;
            this.errors = errors;
            this.firstError = firstError;
            this.done = done;
        }

        /**
         * Loops rather than recursing when a request completes at once (e.g. fails before it is
         * sent), so a dead etcd cannot overflow the stack.
         */
        void sendNext() {
            while (!stopped) {
                long index = next.getAndIncrement();
                if (index >= end) {
                    break;
                }
                long sent = System.nanoTime();
                CompletableFuture<?> answer;
                try {
                    answer = workload.send(number, index);
                } catch (RuntimeException e) {
                    answer = CompletableFuture.failedFuture(e);
                }
                if (!answer.isDone()) {
                    answer.whenComplete((response, failure) -> {
                        record(sent, failure);
                        sendNext();
                    });
                    return;
                }
                record(sent, failureOf(answer));
            }
            done.countDown();
        }

        private void record(long sent, Throwable failure) {
            if (failure == null) {
                latencies.recordValue(System.nanoTime() - sent);
                // Read first: a write on every answer would bounce this counter's cache line between
                // the I/O threads that complete the chains.
                if (failuresInARow.get() != 0) {
                    failuresInARow.set(0);
                }
            } else {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
                errors.increment();
                firstError.compareAndSet(null, cause);
                // Every chain failed twice in a row with no success between: etcd is gone, not hiccuping. Stop
                // here, with what was measured, rather than run the rest into failures as fast as they come.
                if (failuresInARow.incrementAndGet() >= 2L * chains && Failures.isUnreachable(cause)) {
                    stoppedBy.compareAndSet(null, cause);
                    stop();
                }
            }
            answered.increment();
        }
    }

    private static Throwable failureOf(CompletableFuture<?> done) {
        try {
            done.get();
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException | RuntimeException e) {
            return e;
        }
    }
}
