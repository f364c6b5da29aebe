package dev.etcdpoc.sections;

import static dev.etcdpoc.core.Bytes.bytes;
import static dev.etcdpoc.core.Bytes.value;

import dev.etcdpoc.recipes.OwnedKeys;
import dev.etcdpoc.sections.support.WatchFeed;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.watch.WatchResponse;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The .NET proof of concept's third section: one transaction writes two keys at one revision, so a watcher on their
 * prefix receives both changes in a single response — never one without the other.
 */
public final class TxnSection implements Section {
    private static final String PREFIX = "animals/";
    private static final String COW = PREFIX + "cow";
    private static final String CHICKEN = PREFIX + "chicken";

    @Override
    public void run(SectionContext ctx) {
        KV kv = ctx.client().getKVClient();
        GetOption underPrefix = GetOption.builder().isPrefix(true).build();
        long next = ctx.await(kv.get(bytes(PREFIX), underPrefix), "GET animals/").getHeader().getRevision() + 1;
        try (OwnedKeys created = new OwnedKeys(ctx.client(), ctx.requestWait())) {
            try (WatchFeed feed = WatchFeed.prefix(ctx.client(), bytes(PREFIX), next, ctx.timeout(), ctx.members())) {
                long revision = ctx.await(kv.txn()
                    .Then(Op.put(bytes(COW), bytes("moo"), PutOption.DEFAULT),
                          Op.put(bytes(CHICKEN), bytes("cluck"), PutOption.DEFAULT))
                    .commit(), "TXN put animals/cow, animals/chicken").getHeader().getRevision();
                created.add(COW, revision);
                created.add(CHICKEN, revision);

                WatchResponse response = feed.nextResponse("watch on animals/");
                List<String> events = response.getEvents().stream().map(WatchFeed::describe).collect(Collectors.toList());
                ctx.expect("the watch response on animals/", events,
                    List.of("animals/cow -> \"moo\" (Put)", "animals/chicken -> \"cluck\" (Put)"));
                ctx.out().println("  Watch received " + events.size() + " event(s) in one response:");
                events.forEach(event -> ctx.out().println("    " + event));
            }
            printValue(ctx, kv, COW, "moo");
            printValue(ctx, kv, CHICKEN, "cluck");
        }
    }

    private static void printValue(SectionContext ctx, KV kv, String key, String expected) {
        String value = value(ctx.await(kv.get(bytes(key)), "GET " + key));
        ctx.expect("GET " + key, value, expected);
        ctx.out().println(String.format("GET %-15s = %s", key, value));
    }

    @Override
    public List<String> keys() {
        return List.of(PREFIX);
    }
}
