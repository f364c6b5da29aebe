package dev.etcdpoc.connect;

import io.etcd.jetcd.Client;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The leases a client granted and has not revoked yet, as its requests went by: what a run revokes
 * when it is stopped (Ctrl-C, SIGTERM) before the JVM exits, so that its lock keys and registrations go
 * at once instead of one TTL later — the next run then finds the turn free. Revoking is bounded: an
 * etcd that does not answer cannot hold the exit, and its leases still expire by themselves.
 */
public final class GrantedLeases {
    private final Set<Long> ids = ConcurrentHashMap.newKeySet();

    void granted(long id) {
        ids.add(id);
    }

    void revoked(long id) {
        ids.remove(id);
    }

    /** The leases granted and not revoked, now. */
    public Set<Long> ids() {
        return Set.copyOf(ids);
    }

    /** Revokes every lease still granted, all at once, waiting at most {@code within} for the answers. */
    public void revokeAll(Client client, Duration within) {
        List<CompletableFuture<?>> revokes = ids().stream()
            .<CompletableFuture<?>>map(id -> client.getLeaseClient().revoke(id))
            .toList();
        try {
            CompletableFuture.allOf(revokes.toArray(CompletableFuture[]::new)).get(within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // best effort on the way out: what was not revoked expires by its TTL
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
