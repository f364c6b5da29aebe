package dev.etcdpoc.sections.support;

import dev.etcdpoc.core.Await;
import dev.etcdpoc.core.DemoFailure;
import dev.etcdpoc.core.Failures;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Lease;
import io.etcd.jetcd.lease.LeaseGrantResponse;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.options.LeaseOption;
import io.grpc.Context;
import io.grpc.Status;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A lease kept alive until it is told to stop: what a service instance, a lock holder or an
 * election candidate owns. Closing it revokes the lease, and etcd then deletes every key attached
 * to it — registrations, lock keys, leader keys — so a section that fails midway still leaves
 * nothing behind.
 *
 * <p>Why not jetcd's {@code Lease.keepAlive}: it renews over ONE long-lived stream with no deadline.
 * When the member under that stream freezes (SIGSTOP, a long GC pause, a stuck disk) the stream stays
 * open and silent, jetcd waits, and the lease expires while a quorum of healthy members would have
 * renewed it; HTTP/2 pings cannot notice in time, since etcd answers pings more often than every 5 s
 * with GOAWAY. And its observer's {@code onError} is the only word of a lost lease, easy to leave
 * empty (jetcd issues 965, 1383, 1322). So this class renews by itself: one {@code keepAliveOnce}
 * every TTL/3, each on a new stream with a deadline of at most TTL/6. A renewal that gets no answer
 * in time is cancelled on the wire — which makes the client's routing (connect.SkipSilentMembers)
 * skip that member — and tried again 0.1 s later on another: after the first third of the TTL,
 * about four tries fit before the lease would expire, so one silent member (even two in a row)
 * cannot cost the lease, also on a busy machine where answers are slow.
 *
 * <p>When etcd answers that it no longer knows the lease (it expired, or another client revoked it),
 * the lease is lost: {@link #lost()} completes at once, and {@link #requireHeld()} throws from then
 * on. A holder checks before it acts on the lease. While no member answers, the holder cannot know;
 * a write it makes as the holder must still be fenced (see the lock section).
 */
public final class KeptAliveLease implements AutoCloseable {
    /** A renewal that failed at once (a member refusing connections) is tried again after this, not in a tight loop. */
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

    /**
     * Grants a lease of {@code ttlSeconds} to {@code owner} (a name for messages) and keeps it alive;
     * {@code timeout} bounds each request (a renewal: at most a sixth of the TTL).
     */
    public static KeptAliveLease grant(Client client, String owner, long ttlSeconds, Duration timeout) {
        Lease leases = client.getLeaseClient();
        // etcd may raise a TTL below its minimum (about 1.5 election timeouts), so keep the TTL it granted.
        LeaseGrantResponse granted = Await.result(leases.grant(ttlSeconds), timeout, "GRANT lease for " + owner);
        return new KeptAliveLease(leases, timeout, owner, granted.getID(), granted.getTTL());
    }

    public long id() {
        return id;
    }

    /** The TTL etcd granted, in seconds. */
    public long ttlSeconds() {
        return ttlSeconds;
    }

    /**
     * Completes, with the reason, the moment this holder learns the lease is gone: a renewal (every
     * TTL/3) finds that etcd no longer knows it. Never completes while renewals succeed, nor
     * after {@link #stopKeepAlive()} or {@link #revoke()}, which give the lease up on purpose.
     */
    public CompletableFuture<String> lost() {
        return lost;
    }

    /** Throws, naming the owner and the reason, once the lease is {@link #lost()}: before acting as its holder. */
    public void requireHeld() {
        String reason = lost.getNow(null);
        if (reason != null) {
            throw new DemoFailure("the lease of " + owner + " (" + Long.toHexString(id) + ") was lost: " + reason
                + "; etcd deleted every key attached to it");
        }
    }

    /**
     * Asks etcd now whether the lease still lives, and completes {@link #lost()} if not: for a holder
     * about to finish, since the last renewal's answer may be up to TTL/3 old.
     */
    public void checkNow() {
        long ttl = Await.result(leases.timeToLive(id, LeaseOption.DEFAULT), timeout, "TTL of the lease of " + owner).getTTL();
        if (ttl <= 0 && lost.complete(GONE)) {
            renewing = false;
            renewer.shutdown();
        }
    }

    /** Stops renewing, as a crashed owner would: etcd expires the lease one TTL after the last renewal. */
    public void stopKeepAlive() {
        renewing = false;
        renewer.shutdownNow();
    }

    /**
     * Revokes the lease, as an owner shutting down cleanly would: etcd deletes its keys at once. A
     * lease already gone (expired) is revoked as far as its owner is concerned.
     */
    public void revoke() {
        stopKeepAlive();
        if (revoked) {
            return;
        }
        revoked = true;
        try {
            Await.result(leases.revoke(id), timeout, "REVOKE lease of " + owner);
        } catch (DemoFailure e) {
            if (Failures.status(e).getCode() != Status.Code.NOT_FOUND) {
                throw e;
            }
        }
    }

    /** Stops renewing and revokes the lease, unless that already happened; a lease that already expired is fine. */
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
            // A gRPC deadline on the stream this call opens: when it passes, gRPC cancels the stream
            // on the wire, and the client's routing (connect.SkipSilentMembers) sees the deadline.
            answer = Context.current().withDeadlineAfter(attemptMillis, TimeUnit.MILLISECONDS, renewer)
                .call(() -> leases.keepAliveOnce(id));
        } catch (Exception e) {
            answer = CompletableFuture.failedFuture(e);
        }
        // Our own bound too, in case an answer never comes (a call that did not start within the context).
        answer.orTimeout(attemptMillis + RETRY_PAUSE_MS, TimeUnit.MILLISECONDS)
            .whenComplete(this::answered);
    }

    private void answered(LeaseKeepAliveResponse response, Throwable failure) {
        if (!renewing) {
            return;
        }
        if (failure == null && response.getTTL() > 0) {
            schedule(response.getTTL() * 1000 / 3);
        } else if (failure == null || Failures.status(failure).getCode() == Status.Code.NOT_FOUND) {
            renewing = false;
            renewer.shutdown();
            lost.complete(GONE);
        } else {
            // No answer in time, no leader, a member refusing: ask again, on another member. Not
            // "lost" yet, even past the TTL: a new etcd leader extends every lease it takes over, so
            // only etcd's answer tells whether the lease lived through the election.
            schedule(RETRY_PAUSE_MS);
        }
    }

    private void schedule(long delayMillis) {
        try {
            renewer.schedule(this::renew, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopped) {
            // stopKeepAlive() or revoke() ran meanwhile: no more renewals is what they asked for.
        }
    }
}
