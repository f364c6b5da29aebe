package dev.etcdpoc.sections;

import static dev.etcdpoc.core.Bytes.bytes;

import dev.etcdpoc.sections.support.WatchFeed;
import io.etcd.jetcd.KV;

/** The PoC's second section: a watch on one key sees every change to it, in order. */
public final class WatchSection implements Section {
    private static final String KEY = "dog";

    @Override
    public String name() {
        return "watch";
    }

    @Override
    public String title() {
        return "Watch";
    }

    @Override
    public String summary() {
        return "watch one key while it is put twice and deleted (the PoC)";
    }

    @Override
    public void run(SectionContext ctx) {
        KV kv = ctx.client().getKVClient();
        // Watch from the revision after "now": etcd then delivers every later change, so the
        // watch cannot miss a write that races with its own start-up.
        long next = ctx.await(kv.get(bytes(KEY)), "GET dog").getHeader().getRevision() + 1;
        try (WatchFeed feed = WatchFeed.key(ctx.client(), bytes(KEY), next, ctx.timeout())) {
            ctx.await(kv.put(bytes(KEY), bytes("sits")), "PUT dog");
            ctx.await(kv.put(bytes(KEY), bytes("runs")), "PUT dog");
            ctx.await(kv.delete(bytes(KEY)), "DELETE dog");
            for (int i = 0; i < 3; i++) {
                ctx.out().println("  Watch event: " + WatchFeed.describe(feed.nextEvent("watch on dog")));
            }
        }
    }
}
