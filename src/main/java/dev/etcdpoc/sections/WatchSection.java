package dev.etcdpoc.sections;

import static dev.etcdpoc.core.Bytes.bytes;

import dev.etcdpoc.recipes.OwnedKeys;
import dev.etcdpoc.sections.support.WatchFeed;
import io.etcd.jetcd.KV;
import java.util.List;

/** The .NET proof of concept's second section: a watch on one key sees every change to it, in order. */
public final class WatchSection implements Section {
    private static final String KEY = "dog";
    /** What the watch must see for the three writes below, as the .NET proof of concept printed it. */
    private static final List<String> EVENTS = List.of("dog -> \"sits\" (Put)", "dog -> \"runs\" (Put)", "dog -> \"\" (Delete)");

    @Override
    public void run(SectionContext ctx) {
        KV kv = ctx.client().getKVClient();
        // Watch from the revision after "now": etcd then delivers every later change, so the
        // watch cannot miss a write that races with its own start-up.
        long next = ctx.await(kv.get(bytes(KEY)), "GET dog").getHeader().getRevision() + 1;
        try (OwnedKeys created = new OwnedKeys(ctx.client(), ctx.requestWait());
             WatchFeed feed = WatchFeed.key(ctx.client(), bytes(KEY), next, ctx.timeout(), ctx.members())) {
            created.add(KEY, ctx.await(kv.put(bytes(KEY), bytes("sits")), "PUT dog").getHeader().getRevision());
            ctx.await(kv.put(bytes(KEY), bytes("runs")), "PUT dog");
            ctx.await(kv.delete(bytes(KEY)), "DELETE dog");
            for (int i = 0; i < EVENTS.size(); i++) {
                String event = WatchFeed.describe(feed.nextEvent("watch on dog"));
                ctx.expect("watch event " + (i + 1) + " on dog", event, EVENTS.get(i));
                ctx.out().println("  Watch event: " + event);
            }
        }
    }

    @Override
    public List<String> keys() {
        return List.of(KEY);
    }
}
