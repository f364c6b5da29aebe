package dev.etcdpoc;

import static dev.etcdpoc.core.Bytes.bytes;

import dev.etcdpoc.core.Await;
import dev.etcdpoc.core.DemoFailure;
import dev.etcdpoc.core.Durations;
import dev.etcdpoc.core.Failures;
import dev.etcdpoc.recipes.KeptAliveLease;
import dev.etcdpoc.sections.support.OldestContender;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.lock.LockResponse;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One demo run at a time on a shared etcd: before it writes anything, a run takes etcd's own lock,
 * on a lease of its own. Two demos started together then run one after the other instead of
 * writing the same keys at once, and a run that is killed frees its turn when its lease expires.
 * Closing the turn revokes the lease, which deletes the lock key.
 */
final class OneRunAtATime implements AutoCloseable {
    static final String LOCK = "etcd-poc/run";
    /** How long a killed run keeps the turn; the lease is kept alive while this run lasts. */
    private static final long TTL_SECONDS = 10;
    /** How long a run waits for others before it gives up; an `all` run takes well under this. */
    private static final Duration PATIENCE = Duration.ofSeconds(90);

    /** An uncontended lock answers in a round trip; a wait longer than this is worth a word on stderr. */
    private static final Duration SAY_WAITING_AFTER = Duration.ofMillis(300);
    private static final String HELD = "(the turn of one demo run at a time) is held";

    private final KeptAliveLease lease;

    private OneRunAtATime(KeptAliveLease lease) {
        this.lease = lease;
    }

    /**
     * Waits (saying so on {@code notices}) while another run holds the turn, at most {@link #PATIENCE}; fails at
     * once when the turn is held by a key without a lease, which no run ever deletes.
     *
     * @param namespace the client's key prefix, to name the key as etcdctl sees it
     */
    static OneRunAtATime take(Client client, Duration timeout, String namespace, PrintStream notices) {
        KeptAliveLease lease = KeptAliveLease.grant(client, "this run's turn", TTL_SECONDS, Await.requestWait(timeout));
        try {
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            boolean told = false;
            while (true) {
                // The lock call is bounded by the request deadline, so a long wait is several calls:
                // each that ends unanswered gives back its place in the queue and takes a new one.
                CompletableFuture<LockResponse> call = client.getLockClient().lock(bytes(LOCK), lease.id());
                if (!told && !answeredWithin(call, SAY_WAITING_AFTER)) {
                    Optional<OldestContender> other = OldestContender.other(client, LOCK, lease.id(), timeout);
                    if (other.isPresent() && other.get().leaseless()) {
                        throw other.get().leaselessFailure(LOCK, HELD, namespace);
                    }
                    if (other.isPresent()) {
                        notices.println("poc: another demo run is using this etcd (its turn: " + other.get()
                            + "); waiting for it, at most " + Durations.format(PATIENCE));
                        told = true;
                    }
                }
                try {
                    Await.result(call, timeout, "LOCK " + LOCK);
                    return new OneRunAtATime(lease);
                } catch (DemoFailure e) {
                    if (Failures.isPermissionDenied(e)) {
                        throw new DemoFailure(e.getMessage() + ". Each run takes this lock before it writes, so that two runs "
                            + "never write the same keys at once: give --namespace a prefix this user may write", e);
                    }
                    Optional<OldestContender> other = Failures.isNoAnswer(e)
                        ? OldestContender.other(client, LOCK, lease.id(), timeout) : Optional.empty();
                    if (other.isEmpty()) {
                        throw e;
                    }
                    if (other.get().leaseless()) {
                        throw other.get().leaselessFailure(LOCK, HELD, namespace);
                    }
                    if (System.nanoTime() > deadline) {
                        throw new DemoFailure("another demo run has used this etcd for over " + Durations.format(PATIENCE)
                            + " (its turn: " + other.get() + "); try again later, or run with --namespace PREFIX");
                    }
                }
            }
        } catch (RuntimeException e) {
            lease.close();
            throw e;
        }
    }

    /** True when {@code call} completed (either way) within {@code wait}; the call goes on regardless. */
    private static boolean answeredWithin(CompletableFuture<?> call, Duration wait) {
        try {
            call.get(wait.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException | CancellationException e) {
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DemoFailure("waiting for the turn on " + LOCK + ": interrupted", e);
        }
    }

    /**
     * Fails when the turn's lease was lost during the run (expired, or revoked by another client):
     * the run's lock was then free, another run may have written the same keys meanwhile, and what
     * this run printed cannot be trusted.
     */
    void requireHeld() {
        lease.checkNow();
        String reason = lease.lost().getNow(null);
        if (reason != null) {
            throw new DemoFailure("the run's turn lease was lost: " + reason + "; another demo run may have written "
                + "the same keys meanwhile, so this run's results cannot be trusted. Run it again");
        }
    }

    @Override
    public void close() {
        lease.close();
    }
}
