package dev.etcdpoc.recipes;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.Lease;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdExceptionFactory;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.options.LeaseOption;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A lease kept alive until its owner lets go: what a service instance, a lock holder or an election
 * candidate owns. Closing it revokes the lease, and etcd deletes every key attached to it at once —
 * registrations, lock keys, leader keys — however the owner's work ended.
 *
 * <p>Use it instead of jetcd's {@code Lease.keepAlive}, which renews over one long-lived stream with no
 * deadline: when the member under that stream freezes (a long GC pause, a stuck disk) the stream stays
 * open and silent and the lease expires while the other members would have renewed it; and its
 * observer's {@code onError} is the only word of a lost lease. Here each renewal is one
 * {@code keepAliveOnce} every TTL/3, bounded by TTL/6: a renewal without an answer is tried again 0.1 s
 * later (the client's round robin then asks another member), so about four tries fit before the lease
 * would expire.
 *
 * <p>Guarantees: {@link #lost()} completes the moment etcd says it no longer knows the lease (it
 * expired, or someone revoked it); {@link #requireHeld()} throws from then on. While no member
 * answers, the owner cannot know: a write it makes as the owner must still be fenced (see {@link FencedLock}).
 */
public final class KeptAliveLease implements AutoCloseable {
    private static final long RETRY_PAUSE_MS = 100;
    private static final String GONE = "etcd no longer knows it (it expired, or another client revoked it)";

    private final Lease leases;
    private final Duration timeout;
    private final String owner;
    private final long id;
    private final long ttlSeconds;
    private final long attemptMillis;
    private final ScheduledExecutorService renewer;
    private final CompletableFuture<String> lost = new CompletableFuture<>();
    private volatile boolean renewing = true;
    private boolean revoked;

    private KeptAliveLease(Lease leases, Duration timeout, String owner, long id, long ttlSeconds) {
        this.leases = leases;
        this.timeout = timeout;
        this.owner = owner;
        this.id = id;
        this.ttlSeconds = ttlSeconds;
        this.attemptMillis = Math.max(1, Math.min(timeout.toMillis(), ttlSeconds * 1000 / 6));
        this.renewer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "keep-alive " + owner);
            t.setDaemon(true);
            return t;
        });
        schedule(ttlSeconds * 1000 / 3);
    }

    /** Grants a lease of {@code ttlSeconds} for {@code owner} (a name for messages) and keeps it alive; {@code timeout} bounds each request. */
    public static KeptAliveLease grant(Client client, String owner, long ttlSeconds, Duration timeout) {
        Lease leases = client.getLeaseClient();
        // etcd may raise a TTL below its minimum (about 1.5 election timeouts): keep the TTL it granted.
        var granted = RecipeException.await(leases.grant(ttlSeconds), timeout, "GRANT lease for " + owner);
        return new KeptAliveLease(leases, timeout, owner, granted.getID(), granted.getTTL());
    }

    public long id() {
        return id;
    }

    /** The TTL etcd granted, in seconds. */
    public long ttlSeconds() {
        return ttlSeconds;
    }

    /** Completes, with the reason, once etcd says it no longer knows the lease; never after {@link #stopKeepAlive()} or a revoke. */
    public CompletableFuture<String> lost() {
        return lost;
    }

    /** Throws {@link IllegalStateException} once the lease is {@link #lost()}: call it before acting as the lease's owner. */
    public void requireHeld() {
        String reason = lost.getNow(null);
        if (reason != null) {
            throw new IllegalStateException("the lease of " + owner + " (" + Long.toHexString(id) + ") was lost: " + reason
                + "; etcd deleted every key attached to it");
        }
    }

    /** Asks etcd now whether the lease still lives (the last renewal may be TTL/3 old), completing {@link #lost()} if not. */
    public void checkNow() {
        long ttl = RecipeException.await(leases.timeToLive(id, LeaseOption.DEFAULT), timeout, "TTL of lease " + Long.toHexString(id))
            .getTTL();
        if (ttl <= 0) {
            gone();
        }
    }

    /** Stops renewing, as a crashed owner would: etcd expires the lease one TTL after the last renewal. */
    public void stopKeepAlive() {
        renewing = false;
        renewer.shutdownNow();
    }

    /** Revokes the lease, as an owner shutting down cleanly would; a lease that expired already is fine. */
    public void revoke() {
        stopKeepAlive();
        if (revoked) {
            return;
        }
        revoked = true;
        try {
            RecipeException.await(leases.revoke(id), timeout, "REVOKE lease " + Long.toHexString(id));
        } catch (RecipeException e) {
            if (!notFound(e.getCause())) {
                throw e;
            }
        }
    }

    @Override
    public void close() {
        revoke();
    }

    private void renew() {
        if (!renewing) {
            return;
        }
        CompletableFuture<LeaseKeepAliveResponse> answer;
        try {
            answer = leases.keepAliveOnce(id);
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        answer.orTimeout(attemptMillis, TimeUnit.MILLISECONDS).whenComplete(this::answered);
    }

    private void answered(LeaseKeepAliveResponse response, Throwable failure) {
        if (!renewing) {
            return;
        }
        if (failure == null && response.getTTL() > 0) {
            schedule(response.getTTL() * 1000 / 3);
        } else if (failure == null || notFound(failure)) {
            gone();
        } else {
            // No answer in time, no leader, a member refusing: ask again, likely another member. Not "lost"
            // even past the TTL: a new etcd leader extends every lease it takes over, so only etcd can say.
            schedule(RETRY_PAUSE_MS);
        }
    }

    private void gone() {
        renewing = false;
        renewer.shutdown();
        lost.complete(GONE);
    }

    private void schedule(long delayMillis) {
        try {
            renewer.schedule(this::renew, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopped) {
            // stopKeepAlive() or revoke() ran meanwhile: no more renewals is what they asked for.
        }
    }

    /** True when etcd said it does not know the lease (jetcd passes gRPC's exception on as it is, or as its own). */
    private static boolean notFound(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        return EtcdExceptionFactory.toEtcdException(cause).getErrorCode() == ErrorCode.NOT_FOUND;
    }
}
