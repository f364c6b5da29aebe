package dev.etcdpoc.sections;

import static dev.etcdpoc.core.Bytes.bytes;
import static dev.etcdpoc.core.Bytes.text;
import static dev.etcdpoc.core.Bytes.value;

import dev.etcdpoc.core.DemoFailure;
import dev.etcdpoc.sections.support.CreatedKeys;
import dev.etcdpoc.sections.support.Holder;
import dev.etcdpoc.sections.support.KeptAliveLease;
import dev.etcdpoc.sections.support.WatchFeed;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Lock;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.lock.LockResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.watch.WatchEvent;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A distributed lock: etcd queues contenders by the revision of the key each one creates under the
 * lock's name, and grants the lock to the oldest. A lock alone is not enough under partitions and
 * pauses (a holder may not know its lease expired), so the holder writes through a txn that checks
 * its lock key still exists: fencing.
 */
public final class LockSection implements Section {
    private static final String PREFIX = "demo/lock/";
    private static final String LOCK = PREFIX + "mutex";
    private static final String RESOURCE = PREFIX + "resource";
    /** If a holder dies without unlocking, its lock frees itself this long after its last renewal. */
    private static final long TTL_SECONDS = 5;

    @Override
    public void run(SectionContext ctx) {
        ctx.out().println("Two workers want the same lock: the second waits until the first unlocks.");
        ctx.out().println("Each writes only through a txn that checks its lock key still exists, so a worker whose lock is gone is refused.");
        Lock lock = ctx.client().getLockClient();
        // Each worker's lease owns its lock key: revoking it (closing the lease) releases the lock
        // even if the section fails midway, and a crashed worker's lock frees itself after the TTL.
        try (CreatedKeys created = new CreatedKeys(ctx.client(), ctx.timeout());
             KeptAliveLease lease1 = KeptAliveLease.grant(ctx.client(), "worker-1", TTL_SECONDS, ctx.timeout());
             KeptAliveLease lease2 = KeptAliveLease.grant(ctx.client(), "worker-2", TTL_SECONDS, ctx.timeout())) {
            LockResponse held1;
            try {
                held1 = ctx.await(lock.lock(bytes(LOCK), lease1.id()), "LOCK " + LOCK + " for worker-1");
            } catch (DemoFailure waited) {
                // Another client's lock is theirs: wait for it like any contender, and never delete it.
                throw Holder.explain(waited, ctx.client(), LOCK, lease1.id(), "is held", ctx.timeout());
            }
            long revision1 = createRevision(ctx, held1.getKey());
            ctx.out().println("worker-1 LOCK " + LOCK + " -> acquired (lock key created at revision " + revision1 + ")");
            // A holder whose lease is gone no longer holds the lock: it learns so before it writes.
            lease1.requireHeld();
            created.add(RESOURCE, fencedWrite(ctx, "worker-1", held1.getKey(), revision1, true));

            long now = ctx.await(ctx.client().getKVClient().get(bytes(LOCK)), "GET " + LOCK).getHeader().getRevision();
            LockResponse held2;
            try (WatchFeed queue = WatchFeed.prefix(ctx.client(), bytes(LOCK + "/"), now + 1, ctx.timeout())) {
                CompletableFuture<LockResponse> waiting = lock.lock(bytes(LOCK), lease2.id());
                // etcd puts worker-2's key under the lock's name first, then blocks its call until every
                // older key is gone: seeing that key appear means worker-2 is queued.
                WatchEvent queued = queue.nextEvent("worker-2 queueing for " + LOCK);
                // etcd names a lock key NAME/<lease in hex>.
                ctx.expect("the key queued for " + LOCK, text(queued.getKeyValue().getKey()), LOCK + "/" + Long.toHexString(lease2.id()));
                if (waiting.isDone()) {
                    ctx.await(waiting, "LOCK " + LOCK + " for worker-2"); // a failed call says why
                    throw new DemoFailure("worker-2 got " + LOCK + " while worker-1 held it");
                }
                ctx.out().println("worker-2 LOCK " + LOCK + " -> waiting (its lock key, created at revision "
                    + queued.getKeyValue().getCreateRevision() + ", queues behind worker-1's)");

                long released = ctx.await(lock.unlock(held1.getKey()), "UNLOCK " + LOCK + " for worker-1").getHeader().getRevision();
                ctx.out().println("worker-1 UNLOCK -> released at revision " + released);
                held2 = ctx.await(waiting, "LOCK " + LOCK + " for worker-2");
            }
            long revision2 = createRevision(ctx, held2.getKey());
            ctx.out().println("worker-2 LOCK " + LOCK + " -> acquired (lock key created at revision " + revision2 + ")");

            // worker-1 still has its old lock key, as a paused process would after its lease expired.
            fencedWrite(ctx, "worker-1", held1.getKey(), revision1, false);
            lease2.requireHeld();
            fencedWrite(ctx, "worker-2", held2.getKey(), revision2, true);

            ctx.await(lock.unlock(held2.getKey()), "UNLOCK " + LOCK + " for worker-2");
            ctx.out().println("worker-2 UNLOCK -> released");
            String value = value(ctx.await(ctx.client().getKVClient().get(bytes(RESOURCE)), "GET " + RESOURCE));
            ctx.expect("GET " + RESOURCE, value, "written by worker-2");
            ctx.out().println("GET " + RESOURCE + " = " + value);
        }
    }

    private static long createRevision(SectionContext ctx, ByteSequence lockKey) {
        List<KeyValue> found = ctx.await(ctx.client().getKVClient().get(lockKey), "GET lock key").getKvs();
        ctx.expect("the number of keys " + text(lockKey), found.size(), 1);
        return found.get(0).getCreateRevision();
    }

    /**
     * Writes the shared resource only if {@code lockKey} still exists as created at {@code revision};
     * {@code mayWrite} is whether the recipe expects it to hold the lock then. Returns the write's revision.
     */
    private static long fencedWrite(SectionContext ctx, String worker, ByteSequence lockKey, long revision, boolean mayWrite) {
        String value = "written by " + worker;
        TxnResponse txn = ctx.await(ctx.client().getKVClient().txn()
            // A deleted key has create revision 0, so this fails once the lock was released or its lease expired.
            .If(new Cmp(lockKey, Cmp.Op.EQUAL, CmpTarget.createRevision(revision)))
            .Then(Op.put(bytes(RESOURCE), bytes(value), PutOption.DEFAULT))
            .commit(), "TXN fenced PUT " + RESOURCE + " by " + worker);
        ctx.expect(worker + "'s fenced PUT written", txn.isSucceeded(), mayWrite);
        ctx.out().println(worker + " fenced PUT " + RESOURCE + " (IF its lock key of revision " + revision + " exists) -> "
            + (txn.isSucceeded() ? "written" : "refused: it no longer holds the lock"));
        return txn.getHeader().getRevision();
    }

    @Override
    public List<String> keys() {
        return List.of(RESOURCE);
    }
}
