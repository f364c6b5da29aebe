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
final class EtcdLockWorker implements LockWorker {
    static final String LOCK = VersusRun.PREFIX + "lock";
    static final String RECORD = VersusRun.PREFIX + "record";

    private final int id;
    private final Client client;
    private final Duration timeout;
    private final LockLog log;
    private int holds;

    EtcdLockWorker(int id, Client client, Duration timeout, LockLog log) {
        this.id = id;
        this.client = client;
        this.timeout = timeout;
        this.log = log;
    }

    @Override
    public int id() {
        return id;
    }

    @Override
    public void holdOnce() {
        String token = "w" + id + "." + ++holds;
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
        long acquired = System.nanoTime();
        long validUntil = asked + TimeUnit.MILLISECONDS.toNanos(TTL_MS);
        LockLog.End end = LockLog.End.RELEASED;
        for (int i = 1; i <= WRITES; i++) {
            if (System.nanoTime() >= validUntil) {
                end = LockLog.End.EXPIRED;
                break;
            }
            String value = token + "/" + i;
            long invoked = System.nanoTime();
            LockLog.Outcome outcome;
            try {
                outcome = lock.write(Op.put(bytes(RECORD), bytes(value), PutOption.DEFAULT)) ? LockLog.Outcome.ACCEPTED : LockLog.Outcome.REFUSED;
            } catch (RecipeException e) {
                outcome = LockLog.Outcome.UNKNOWN;
            }
            long completed = outcome == LockLog.Outcome.UNKNOWN ? Long.MAX_VALUE : System.nanoTime();
            log.write(new LockLog.Write(id, acquired, invoked, completed, value, outcome));
            if (outcome == LockLog.Outcome.REFUSED) {
                end = LockLog.End.LOST;
                break;
            }
        }
        long releasing = System.nanoTime();
        if (releasing >= validUntil && end == LockLog.End.RELEASED) {
            end = LockLog.End.EXPIRED;
        }
        log.hold(new LockLog.Hold(id, acquired, Math.min(releasing, validUntil), end));
        try {
            lock.release();
        } catch (RecipeException e) {
            // revoking the lease releases it too
        }
    }
}
