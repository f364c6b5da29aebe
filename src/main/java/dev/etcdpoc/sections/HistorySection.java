package dev.etcdpoc.sections;

import static dev.etcdpoc.core.Bytes.bytes;
import static dev.etcdpoc.core.Bytes.value;

import dev.etcdpoc.core.DemoFailure;
import dev.etcdpoc.core.Failures;
import dev.etcdpoc.recipes.OwnedKeys;
import dev.etcdpoc.sections.support.CompactedHistory;
import dev.etcdpoc.sections.support.WatchFeed;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.watch.WatchEvent;
import java.util.List;

/**
 * MVCC: etcd keeps every revision of every key until it is compacted, so a client can read the
 * past and a watch can replay it. Compaction drops the history below a revision for the whole
 * cluster; a client that asks for it is refused and must re-read, then re-watch from there.
 * Because compaction takes everyone's history, the section compacts only an etcd this run
 * started, or one whose user said so (--compact-history).
 */
public final class HistorySection implements Section {
    private static final String PREFIX = "demo/history/";
    private static final String KEY = PREFIX + "config";

    @Override
    public void run(SectionContext ctx) {
        ctx.out().println("etcd keeps every revision of a key: you can read it as it was and replay its changes by watch.");
        ctx.out().println("Compaction frees that history (cluster-wide); asking below it is refused, so re-read and re-watch from there.");
        KV kv = ctx.client().getKVClient();
        try (OwnedKeys created = new OwnedKeys(ctx.client(), ctx.requestWait())) {
            long[] revisions = new long[3];
            for (int i = 0; i < revisions.length; i++) {
                String value = "v" + (i + 1);
                revisions[i] = ctx.await(kv.put(bytes(KEY), bytes(value)), "PUT " + KEY).getHeader().getRevision();
                ctx.out().println("PUT " + KEY + " = " + value + " (revision " + revisions[i] + ")");
            }
            created.add(KEY, revisions[0]);
            for (int i = 0; i < revisions.length; i++) {
                String value = valueAt(ctx, revisions[i]);
                ctx.expect("GET " + KEY + " at revision " + revisions[i], value, "v" + (i + 1));
                ctx.out().println("GET " + KEY + " at revision " + revisions[i] + " = " + value);
            }

            ctx.out().println("WATCH " + PREFIX + " from revision " + revisions[0] + " replays the past, in order:");
            try (WatchFeed feed = WatchFeed.prefix(ctx.client(), bytes(PREFIX), revisions[0], ctx.timeout(), ctx.members())) {
                for (int i = 0; i < revisions.length; i++) {
                    WatchEvent event = feed.nextEvent("replay of " + PREFIX);
                    ctx.expect("replayed event " + (i + 1), event.getKeyValue().getModRevision(), revisions[i]);
                    printEvent(ctx, event);
                }
            }

            if (!ctx.mayCompact()) {
                ctx.out().println("COMPACT skipped: it would drop the older revisions of every key on this etcd, not only ours;"
                    + " add --compact-history to allow it, or run without --endpoints on a throwaway etcd");
                return;
            }

            // Compaction is cluster-wide: it drops every key's history below this revision, not only ours.
            long compacted = revisions[2];
            ctx.await(kv.compact(compacted), "COMPACT at revision " + compacted);
            ctx.out().println("COMPACT at revision " + compacted + " (history before it is gone)");

            long old = revisions[0];
            refusedAsCompacted(() -> valueAt(ctx, old), "GET at revision " + old);
            ctx.out().println("GET " + KEY + " at revision " + old + " -> refused: revision compacted (oldest kept: revision " + compacted + ")");
            Throwable refusal = refusedAsCompacted(() -> {
                try (WatchFeed feed = WatchFeed.prefix(ctx.client(), bytes(PREFIX), old, ctx.timeout(), ctx.members())) {
                    feed.nextEvent("WATCH " + PREFIX + " from revision " + old);
                }
            }, "WATCH from revision " + old);
            // A refused watch says how far back etcd still keeps history.
            long oldestKept = Failures.find(refusal, CompactedException.class).map(CompactedException::getCompactedRevision).orElse(compacted);
            ctx.out().println("WATCH " + PREFIX + " from revision " + old + " -> refused: revision compacted (oldest kept: revision " + oldestKept + ")");

            ctx.out().println("WATCH " + PREFIX + " from revision " + compacted + " (the compaction point) works again:");
            try (WatchFeed feed = WatchFeed.prefix(ctx.client(), bytes(PREFIX), compacted, ctx.timeout(), ctx.members())) {
                printEvent(ctx, feed.nextEvent("replay of " + PREFIX + " from the compaction"));
                ctx.await(kv.put(bytes(KEY), bytes("v4")), "PUT " + KEY);
                printEvent(ctx, feed.nextEvent("watch of " + PREFIX));
            }
        }
    }

    private static String valueAt(SectionContext ctx, long revision) {
        String what = "GET " + KEY + " at revision " + revision;
        try {
            return value(ctx.await(ctx.client().getKVClient().get(bytes(KEY), GetOption.builder().withRevision(revision).build()), what));
        } catch (DemoFailure e) {
            throw Failures.isCompacted(e) ? CompactedHistory.failure(what, revision, e) : e;
        }
    }

    private static void printEvent(SectionContext ctx, WatchEvent event) {
        ctx.out().println("  Watch event: " + WatchFeed.describe(event) + " at revision " + event.getKeyValue().getModRevision());
    }

    /**
     * Runs {@code request}, which must be refused because it asks for compacted history, and returns
     * that refusal; any other failure is passed on.
     */
    private static Throwable refusedAsCompacted(Runnable request, String what) {
        try {
            request.run();
        } catch (DemoFailure failure) {
            if (Failures.isCompacted(failure)) {
                return failure;
            }
            throw failure;
        }
        throw new DemoFailure(what + " succeeded below the compaction point");
    }

    @Override
    public List<String> keys() {
        return List.of(PREFIX);
    }
}
