package dev.etcdpoc.sections.support;

import dev.etcdpoc.core.Await;
import dev.etcdpoc.core.DemoFailure;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Lease;
import io.etcd.jetcd.lease.LeaseGrantResponse;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.support.CloseableClient;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;

/**
 * A lease that jetcd keeps alive until it is told to stop: what a service instance, a lock holder
 * or an election candidate owns. Closing it revokes the lease, and etcd then deletes every key
 * attached to it — registrations, lock keys, leader keys — so a section that fails midway still
 * leaves nothing behind.
 */
public final class KeptAliveLease implements AutoCloseable {
    private final Lease leases;
    private final Duration timeout;
    private final String owner;
    private final long id;
    private final long ttlSeconds;
    private CloseableClient keepAlive;
    private boolean revoked;

    private KeptAliveLease(Lease leases, Duration timeout, String owner, long id, long ttlSeconds) {
        this.leases = leases;
        this.timeout = timeout;
        this.owner = owner;
        this.id = id;
        this.ttlSeconds = ttlSeconds;
        // jetcd renews the lease every TTL/3 on one shared stream; the responses carry nothing we need.
        this.keepAlive = leases.keepAlive(id, new StreamObserver<LeaseKeepAliveResponse>() {
            @Override
            public void onNext(LeaseKeepAliveResponse response) {
            }

            @Override
            public void onError(Throwable failure) {
            }

            @Override
            public void onCompleted() {
            }
        });
    }

    /**
     * Grants a lease of {@code ttlSeconds} to {@code owner} (a name for messages) and keeps it alive;
     * {@code timeout} bounds each request.
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

    /** Stops renewing, as a crashed owner would: etcd expires the lease one TTL after the last renewal. */
    public void stopKeepAlive() {
        if (keepAlive != null) {
            keepAlive.close();
            keepAlive = null;
        }
    }

    /** Revokes the lease, as an owner shutting down cleanly would: etcd deletes its keys at once. */
    public void revoke() {
        stopKeepAlive();
        if (revoked) {
            return;
        }
        revoked = true;
        try {
            Await.result(leases.revoke(id), timeout, "REVOKE lease of " + owner);
        } catch (DemoFailure e) {
            if (Status.fromThrowable(e.getCause()).getCode() != Status.Code.NOT_FOUND) {
                throw e;
            }
        }
    }

    /** Stops renewing and revokes the lease, unless that already happened; a lease that already expired is fine. */
    @Override
    public void close() {
        revoke();
    }
}
