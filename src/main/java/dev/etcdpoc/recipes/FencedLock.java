package dev.etcdpoc.recipes;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A distributed lock whose holder writes only through a fence. etcd's lock queues each contender's
 * key under the lock's name, on the contender's lease, and grants the lock to the oldest key. A lock
 * alone is not enough: a holder paused past its lease's TTL (a GC pause, a partition) may not know
 * it lost the lock while another client already holds it. So every write the holder makes is a txn
 * that first compares its lock key's create revision — the fencing token — and is refused once that
 * key is gone (released, or deleted with its lease).
 *
 * <pre>{@code
 * try (KeptAliveLease lease = KeptAliveLease.grant(client, "worker", 10, timeout);
 *      FencedLock lock = FencedLock.acquire(client, "jobs/lock", lease.id(), timeout)) {
 *     boolean written = lock.write(Op.put(key, value, PutOption.DEFAULT));  // false: the lock was lost
 * }
 * }</pre>
 *
 * Guarantees: while the fence holds, no other holder's fenced write can succeed; a write after the
 * lock was lost is refused, never applied. The lease is the caller's: keep it alive while holding the
 * lock ({@link KeptAliveLease}); revoking it releases the lock.
 */
public final class FencedLock implements AutoCloseable {
    private final Client client;
    private final ByteSequence key;
    private final long revision;
    private final Duration timeout;
    private boolean released;

    private FencedLock(Client client, ByteSequence key, long revision, Duration timeout) {
        this.client = client;
        this.key = key;
        this.revision = revision;
        this.timeout = timeout;
    }

    /** Waits at most {@code timeout} for the lock {@code name}, on lease {@code leaseId}. */
    public static FencedLock acquire(Client client, String name, long leaseId, Duration timeout) {
        return RecipeException.await(request(client, name, leaseId, timeout), timeout, "LOCK " + name);
    }

    /**
     * Asks for the lock without waiting: the future completes once it is held (etcd queues the key at
     * once, and answers when every older key is gone). Bound the wait yourself, as {@link #acquire} does.
     */
    public static CompletableFuture<FencedLock> request(Client client, String name, long leaseId, Duration timeout) {
        return client.getLockClient().lock(ByteSequence.from(name, UTF_8), leaseId)
            .thenApplyAsync(held -> new FencedLock(client, held.getKey(), createRevision(client, held.getKey(), timeout), timeout));
    }

    /** The lock key's create revision: the fence, and what a queue of contenders is ordered by. */
    private static long createRevision(Client client, ByteSequence key, Duration timeout) {
        List<KeyValue> found = RecipeException.await(client.getKVClient().get(key), timeout, "GET " + key.toString(UTF_8)).getKvs();
        if (found.isEmpty()) {
            throw new IllegalStateException("the lock key " + key.toString(UTF_8) + " is gone right after the lock was granted: "
                + "its lease expired or was revoked");
        }
        return found.get(0).getCreateRevision();
    }

    /** The key etcd holds the lock by: NAME/<lease in hex>. */
    public ByteSequence key() {
        return key;
    }

    /** The lock key's create revision: the fencing token. */
    public long revision() {
        return revision;
    }

    /** Applies {@code ops} only while this lock key still exists as it was created; false when the lock was lost. */
    public boolean write(Op... ops) {
        return fenced(ops).isSucceeded();
    }

    /** As {@link #write}, with etcd's whole answer: the header says at which revision the ops were applied. */
    public TxnResponse fenced(Op... ops) {
        return RecipeException.await(client.getKVClient().txn()
            // A deleted key compares as create revision 0: the txn is refused once the lock is gone.
            .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(revision)))
            .Then(ops)
            .commit(), timeout, "TXN fenced by " + key.toString(UTF_8));
    }

    /** Releases the lock (deletes its key); the next contender then holds it. Once is enough. */
    public long release() {
        released = true;
        return RecipeException.await(client.getLockClient().unlock(key), timeout, "UNLOCK " + key.toString(UTF_8))
            .getHeader().getRevision();
    }

    @Override
    public void close() {
        if (!released) {
            release();
        }
    }
}
