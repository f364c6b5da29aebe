package dev.etcdpoc.sections;

import static dev.etcdpoc.core.Bytes.bytes;

import dev.etcdpoc.sections.support.WatchFeed;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;

/**
 * The PoC's third section: one transaction writes two keys at one revision, so a watcher on their
 * prefix receives both changes in a single response — never one without the other.
 */
public final class TxnSection implements Section {
    private static final String PREFIX = "animals/";

    @Override
    public String name() {
        return "txn";
    }

    @Override
    public String title() {
        return "Transaction (atomic multi-key write)";
    }

    @Override
    public String summary() {
        return "one transaction writes two keys; a prefix watch gets both in one response (the PoC)";
    }

    @Override
    public void run(SectionContext ctx) {
        KV kv = ctx.client().getKVClient();
        GetOption underPrefix = GetOption.builder().isPrefix(true).build();
        long next = ctx.await(kv.get(bytes(PREFIX), underPrefix), "GET animals/").getHeader().getRevision() + 1;
        try (SectionContext.Cleanup cleanup = ctx.deletingAfterwards(PREFIX)) {
            try (WatchFeed feed = WatchFeed.prefix(ctx.client(), bytes(PREFIX), next, ctx.timeout())) {
                ctx.await(kv.txn()
                    .Then(Op.put(bytes(PREFIX + "cow"), bytes("moo"), PutOption.DEFAULT),
                          Op.put(bytes(PREFIX + "chicken"), bytes("cluck"), PutOption.DEFAULT))
                    .commit(), "TXN put animals/cow, animals/chicken");

                WatchResponse response = feed.nextResponse("watch on animals/");
                ctx.out().println("  Watch received " + response.getEvents().size() + " event(s) in one response:");
                for (WatchEvent event : response.getEvents()) {
                    ctx.out().println("    " + WatchFeed.describe(event));
                }
            }
            ctx.out().println(String.format("GET %-15s = %s", PREFIX + "cow", ctx.read(PREFIX + "cow")));
            ctx.out().println(String.format("GET %-15s = %s", PREFIX + "chicken", ctx.read(PREFIX + "chicken")));
        }
    }
}
