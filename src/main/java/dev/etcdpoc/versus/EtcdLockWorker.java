package dev.etcdpoc.versus;

import static dev.etcdpoc.core.Bytes.bytes;

import dev.etcdpoc.core.Await;
import dev.etcdpoc.core.DemoFailure;
import dev.etcdpoc.recipes.FencedLock;
import dev.etcdpoc.recipes.RecipeException;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A lock worker on etcd with the project's {@link FencedLock}: a lease of the lock's TTL, the lock on it,
 * and each write to the shared record a txn that first compares the lock key's create revision (the fence):
 * refused once the lock is gone. The lease is revoked after each hold, which also releases a lock granted
 * after its request had given up.
 */
final class EtcdLockWorker extends LockWorker {
    static final String LOCK = VersusRun.PREFIX + "lock";
    static final String RECORD = VersusRun.PREFIX + "record";

    private final Client client;
    private final Duration timeout;

    EtcdLockWorker(int id, Client client, Duration timeout, LockLog log) {
        super(id, log);
        this.client = client;
        this.timeout = timeout;
    }

    @Override
    void holdOnce() {
        String token = nextToken();
        long asked = System.nanoTime();
        long lease;
        try {
            lease = Await.result(client.getLeaseClient().grant(TimeUnit.MILLISECONDS.toSeconds(TTL_MS)), timeout, "LEASE GRANT").getID();
        } catch (DemoFailure e) {
            return; // a lease granted after all expires by itself
        }
        try {
            hold(token, asked, lease);
        } finally {
            try {
                Await.result(client.getLeaseClient().revoke(lease), timeout, "LEASE REVOKE");
            } catch (DemoFailure e) {
                // the lease expires by itself, and the lock key with it
            }
        }
    }

    private void hold(String token, long asked, long lease) {
        FencedLock lock;
        try {
            lock = FencedLock.acquire(client, LOCK, lease, timeout);
        } catch (RecipeException | IllegalStateException notTaken) {
            return;
        }
        writeWhileHeld(token, asked, System.nanoTime(), value -> {
            try {
                return lock.write(Op.put(bytes(RECORD), bytes(value), PutOption.DEFAULT)) ? LockLog.Outcome.ACCEPTED : LockLog.Outcome.REFUSED;
            } catch (RecipeException e) {
                return LockLog.Outcome.UNKNOWN;
            }
        });
        try {
            lock.release();
        } catch (RecipeException e) {
            // revoking the lease releases it too
        }
    }
}
