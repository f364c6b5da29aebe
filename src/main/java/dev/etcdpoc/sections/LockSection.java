package dev.etcdpoc.sections;

import static dev.etcdpoc.core.Bytes.bytes;
import static dev.etcdpoc.core.Bytes.text;
import static dev.etcdpoc.core.Bytes.value;

import dev.etcdpoc.core.DemoFailure;
import dev.etcdpoc.recipes.FencedLock;
import dev.etcdpoc.recipes.KeptAliveLease;
import dev.etcdpoc.recipes.OwnedKeys;
import dev.etcdpoc.recipes.RecipeException;
import dev.etcdpoc.sections.support.OldestContender;
import dev.etcdpoc.sections.support.WatchFeed;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.watch.WatchEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Narrates {@link FencedLock}: two workers contend for one lock; the second queues until the first
 * unlocks, and a worker whose lock is gone is refused by the fence.
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
        Duration wait = ctx.requestWait();
        // Each worker's lease owns its lock key: revoking it (closing the lease) releases the lock even if
        // the section fails midway, and a crashed worker's lock frees itself after the TTL.
        try (OwnedKeys created = new OwnedKeys(ctx.client(), wait);
             KeptAliveLease lease1 = KeptAliveLease.grant(ctx.client(), "worker-1", TTL_SECONDS, wait);
             KeptAliveLease lease2 = KeptAliveLease.grant(ctx.client(), "worker-2", TTL_SECONDS, wait)) {
            FencedLock worker1;
            try {
                worker1 = FencedLock.acquire(ctx.client(), LOCK, lease1.id(), wait);
            } catch (RecipeException waited) {
                // Another client's lock is theirs: wait for it like any contender, and never delete it.
                throw OldestContender.explain(waited, ctx.client(), LOCK, lease1.id(), "is held", ctx.clients().namespace(), ctx.timeout());
            }
            ctx.out().println("worker-1 LOCK " + LOCK + " -> acquired (lock key created at revision " + worker1.revision() + ")");
            // A holder whose lease is gone no longer holds the lock: it learns so before it writes.
            lease1.requireHeld();
            created.add(RESOURCE, fencedWrite(ctx, "worker-1", worker1, true));

            long now = ctx.await(ctx.client().getKVClient().get(bytes(LOCK)), "GET " + LOCK).getHeader().getRevision();
            FencedLock worker2;
            try (WatchFeed queue = WatchFeed.prefix(ctx.client(), bytes(LOCK + "/"), now + 1, ctx.timeout(), ctx.members())) {
                CompletableFuture<FencedLock> waiting = FencedLock.request(ctx.client(), LOCK, lease2.id(), wait);
                // etcd puts worker-2's key under the lock's name first, then holds its call until every older
                // key is gone: seeing that key appear means worker-2 is queued.
                WatchEvent queued = queue.nextEvent("worker-2 queueing for " + LOCK);
                // etcd names a lock key NAME/<lease in hex>.
                ctx.expect("the key queued for " + LOCK, text(queued.getKeyValue().getKey()), LOCK + "/" + Long.toHexString(lease2.id()));
                if (waiting.isDone()) {
                    ctx.await(waiting, "LOCK " + LOCK + " for worker-2"); // a failed call says why
                    throw new DemoFailure("worker-2 got " + LOCK + " while worker-1 held it");
                }
                ctx.out().println("worker-2 LOCK " + LOCK + " -> waiting (its lock key, created at revision "
                    + queued.getKeyValue().getCreateRevision() + ", queues behind worker-1's)");

                long released = worker1.release();
                ctx.out().println("worker-1 UNLOCK -> released at revision " + released);
                worker2 = ctx.await(waiting, "LOCK " + LOCK + " for worker-2");
            }
            ctx.out().println("worker-2 LOCK " + LOCK + " -> acquired (lock key created at revision " + worker2.revision() + ")");

            // worker-1 still has its old lock key, as a paused process would after its lease expired.
            fencedWrite(ctx, "worker-1", worker1, false);
            lease2.requireHeld();
            fencedWrite(ctx, "worker-2", worker2, true);

            worker2.release();
            ctx.out().println("worker-2 UNLOCK -> released");
            String value = value(ctx.await(ctx.client().getKVClient().get(bytes(RESOURCE)), "GET " + RESOURCE));
            ctx.expect("GET " + RESOURCE, value, "written by worker-2");
            ctx.out().println("GET " + RESOURCE + " = " + value);
        }
    }

    /** Writes the shared resource through {@code worker}'s fence; {@code mayWrite}: whether the recipe expects it to hold the lock. */
    private static long fencedWrite(SectionContext ctx, String name, FencedLock worker, boolean mayWrite) {
        String value = "written by " + name;
        TxnResponse txn = worker.fenced(Op.put(bytes(RESOURCE), bytes(value), PutOption.DEFAULT));
        ctx.expect(name + "'s fenced PUT written", txn.isSucceeded(), mayWrite);
        ctx.out().println(name + " fenced PUT " + RESOURCE + " (IF its lock key of revision " + worker.revision() + " exists) -> "
            + (txn.isSucceeded() ? "written" : "refused: it no longer holds the lock"));
        return txn.getHeader().getRevision();
    }

    @Override
    public List<String> keys() {
        return List.of(RESOURCE);
    }
}
