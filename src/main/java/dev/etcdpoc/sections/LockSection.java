package dev.etcdpoc.sections;

import static dev.etcdpoc.core.Bytes.bytes;

import dev.etcdpoc.core.DemoFailure;
import dev.etcdpoc.sections.support.KeptAliveLease;
import dev.etcdpoc.sections.support.WatchFeed;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Lock;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.lock.LockResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.watch.WatchEvent;
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
    public String name() {
        return "lock";
    }

    @Override
    public String title() {
        return "Distributed lock";
    }

    @Override
    public String summary() {
        return "two workers contend for one lock; the second waits; writes are fenced by the lock key";
    }

    @Override
    public void run(SectionContext ctx) {
        ctx.out().println("Two workers want the same lock: the second waits until the first unlocks.");
        ctx.out().println("Each writes only through a txn that checks its lock key still exists, so a worker whose lock is gone is refused.");
        Lock lock = ctx.client().getLockClient();
        // Each worker's lease owns its lock key: revoking it (closing the lease) releases the lock
        // even if the section fails midway, and a crashed worker's lock frees itself after the TTL.
        try (SectionContext.Cleanup cleanup = ctx.deletingAfterwards(PREFIX);
             KeptAliveLease lease1 = KeptAliveLease.grant(ctx.client(), "worker-1", TTL_SECONDS, ctx.timeout());
             KeptAliveLease lease2 = KeptAliveLease.grant(ctx.client(), "worker-2", TTL_SECONDS, ctx.timeout())) {
            LockResponse held1 = ctx.await(lock.lock(bytes(LOCK), lease1.id()), "LOCK " + LOCK + " for worker-1");
            long revision1 = createRevision(ctx, held1.getKey());
            ctx.out().println("worker-1 LOCK " + LOCK + " -> acquired (lock key created at revision " + revision1 + ")");
            fencedWrite(ctx, "worker-1", held1.getKey(), revision1);

            long now = ctx.await(ctx.client().getKVClient().get(bytes(LOCK)), "GET " + LOCK).getHeader().getRevision();
            LockResponse held2;
            try (WatchFeed queue = WatchFeed.prefix(ctx.client(), bytes(LOCK + "/"), now + 1, ctx.timeout())) {
                CompletableFuture<LockResponse> waiting = lock.lock(bytes(LOCK), lease2.id());
                // etcd puts worker-2's key under the lock's name first, then blocks its call until every
                // older key is gone: seeing that key appear means worker-2 is queued.
                WatchEvent queued = queue.nextEvent("worker-2 queueing for " + LOCK);
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
            fencedWrite(ctx, "worker-1", held1.getKey(), revision1);
            fencedWrite(ctx, "worker-2", held2.getKey(), revision2);

            ctx.await(lock.unlock(held2.getKey()), "UNLOCK " + LOCK + " for worker-2");
            ctx.out().println("worker-2 UNLOCK -> released");
            ctx.out().println("GET " + RESOURCE + " = " + ctx.read(RESOURCE));
        }
    }

    private static long createRevision(SectionContext ctx, ByteSequence lockKey) {
        return ctx.await(ctx.client().getKVClient().get(lockKey), "GET lock key").getKvs().get(0).getCreateRevision();
    }

    /** Writes the shared resource only if {@code lockKey} still exists as created at {@code revision}. */
    private static void fencedWrite(SectionContext ctx, String worker, ByteSequence lockKey, long revision) {
        String value = "written by " + worker;
        TxnResponse txn = ctx.await(ctx.client().getKVClient().txn()
            // A deleted key has create revision 0, so this fails once the lock was released or its lease expired.
            .If(new Cmp(lockKey, Cmp.Op.EQUAL, CmpTarget.createRevision(revision)))
            .Then(Op.put(bytes(RESOURCE), bytes(value), PutOption.DEFAULT))
            .commit(), "TXN fenced PUT " + RESOURCE + " by " + worker);
        ctx.out().println(worker + " fenced PUT " + RESOURCE + " (IF its lock key of revision " + revision + " exists) -> "
            + (txn.isSucceeded() ? "written" : "refused: it no longer holds the lock"));
    }
}
