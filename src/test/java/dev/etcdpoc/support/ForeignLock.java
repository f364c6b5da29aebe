package dev.etcdpoc.support;

import static dev.etcdpoc.core.Bytes.bytes;

import io.etcd.jetcd.Client;

/**
 * Another client's lock, held while a test runs: its key under {@code other/lock/} on a lease of its
 * own (60 s, not renewed, so that no renewal depends on a member the test breaks), released by
 * revoking the lease on close. A run must neither break nor wait for it.
 */
public final class ForeignLock implements AutoCloseable {
    public static final String NAME = "other/lock";
    private static final long TTL_SECONDS = 60;
    private final Client client;
    private final long lease;

    public ForeignLock(Etcd etcd) {
        this.client = etcd.client();
        this.lease = etcd.await(client.getLeaseClient().grant(TTL_SECONDS)).getID();
        etcd.await(client.getLockClient().lock(bytes(NAME), lease));
    }

    @Override
    public void close() {
        client.getLeaseClient().revoke(lease).join();
    }
}
