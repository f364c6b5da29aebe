package dev.etcdpoc.core;

import io.grpc.Status;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The one place the demo waits. Every wait has a bound: jetcd futures never complete on their own
 * when etcd is gone (waitForReady, jetcd issues 1161/1226/1509), so an unbounded get() can hang.
 */
public final class Await {
    /**
     * How many request deadlines (--timeout) one etcd request may take over all its attempts: an
     * attempt that got no answer, or a passing error, is sent again where that is safe
     * (connect.RetryPolicy), each attempt with its own gRPC deadline.
     */
    public static final int ATTEMPT_DEADLINES_PER_REQUEST = 2;
    /**
     * How long etcd may stay without a leader while it elects one. A follower notices the loss after a
     * randomized election timeout (1-2 s with etcd's default 1 s) and a split vote costs another: about 4 s
     * from the loss in the worst common case, more on a busy machine. Seen on etcd 3.4.23 here: up to 3.6 s
     * from the loss in 140 rounds, and once in CI a leader cut off as a run started that had no successor
     * 3 s after the first refusal (the run gave up at 3.9 s). Passing refusals ("no leader") that last
     * longer are a member that stays without one: no quorum, or cut off.
     */
    public static final Duration ELECTION = Duration.ofSeconds(5);
    /**
     * Those deadlines end a request (and half of one more while etcd refuses it for want of a leader); this
     * wait, one deadline longer, only catches a future that never completes.
     */
    private static final int DEADLINES_PER_WAIT = ATTEMPT_DEADLINES_PER_REQUEST + 1;

    private Await() {
    }

    /**
     * How long to wait for one request's answer when each try has {@code timeout}: the client's tries take
     * at most {@link #ATTEMPT_DEADLINES_PER_REQUEST} deadlines; one more only catches a future that never completes.
     */
    public static Duration requestWait(Duration timeout) {
        return timeout.multipliedBy(DEADLINES_PER_WAIT);
    }

    /** The future's value, or a {@link DemoFailure} naming {@code what} if it failed or took longer than {@code timeout}. */
    public static <T> T result(CompletableFuture<T> future, Duration timeout, String what) {
        try {
            return future.get(requestWait(timeout).toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw noAnswer(what, timeout, e);
        } catch (ExecutionException | CompletionException | CancellationException e) {
            throw failure(what, e.getCause() != null ? e.getCause() : e, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(true);
            throw new DemoFailure(what + ": interrupted", e);
        }
    }

    /**
     * Request {@code what} failed with {@code cause}: in the words of {@link Failures#describe}, but a
     * deadline that passed is named, with the {@code timeout} of each try.
     */
    public static DemoFailure failure(String what, Throwable cause, Duration timeout) {
        Status status = Failures.status(cause);
        if (status.getCode() == Status.Code.DEADLINE_EXCEEDED && String.valueOf(status.getDescription()).startsWith(Failures.GIVEN_UP)) {
            return new DemoFailure(what + ": no answer from etcd: " + status.getDescription().substring(Failures.GIVEN_UP.length()), cause);
        }
        if (status.getCode() == Status.Code.DEADLINE_EXCEEDED) {
            return noAnswer(what, timeout, cause);
        }
        return new DemoFailure(what + ": " + Failures.describe(cause), cause);
    }

    /** Whether the attempts' deadlines or our wait ended it, the user reads the same line. */
    private static DemoFailure noAnswer(String what, Duration timeout, Throwable cause) {
        return new DemoFailure(what + ": no answer from etcd within " + Durations.format(timeout) + " per try", cause);
    }

    /**
     * Waits until {@code done} holds, at most {@code within}, for a state guarded by {@code monitor}:
     * call it holding the monitor's lock, and have whoever changes the state call
     * {@code monitor.notifyAll()}. {@code done} may throw to end the wait early (a writer that failed).
     *
     * @param notDone what to say when the time is up, asked only then
     */
    public static void until(Object monitor, Duration within, BooleanSupplier done, Supplier<String> notDone)
        throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!done.getAsBoolean()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new DemoFailure(notDone.get());
            }
            TimeUnit.NANOSECONDS.timedWait(monitor, left);
        }
    }
}
