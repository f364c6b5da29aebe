package dev.etcdpoc.sections;

import static dev.etcdpoc.core.Bytes.bytes;
import static dev.etcdpoc.core.Bytes.text;

import dev.etcdpoc.core.DemoFailure;
import dev.etcdpoc.recipes.ConfigCache;
import dev.etcdpoc.recipes.ConfigCache.Change;
import dev.etcdpoc.recipes.ConfigCache.Update;
import dev.etcdpoc.recipes.OwnedKeys;
import dev.etcdpoc.sections.support.StreamInbox;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

/**
 * Narrates {@link ConfigCache}: a service loads a prefix once and follows every change by watch.
 * Another client changes the configuration; the cache follows each change at its revision, survives its
 * watch being cut, and ends equal to what etcd stores.
 */
public final class ConfigSection implements Section {
    private static final String PREFIX = "demo/config/";
    private static final String TIMEOUT = PREFIX + "timeout-ms";
    private static final String RETRIES = PREFIX + "retries";
    private static final String FEATURE = PREFIX + "feature-x";

    @Override
    public void run(SectionContext ctx) throws InterruptedException {
        ctx.out().println("A service loads its configuration once, at a revision, then applies every later change from a watch.");
        ctx.out().println("When the watch breaks it resumes from the last applied revision + 1: nothing missed, nothing applied twice.");
        KV kv = ctx.client().getKVClient();
        Map<String, String> initial = new LinkedHashMap<>();
        initial.put(TIMEOUT, "500");
        initial.put(RETRIES, "3");
        initial.put(FEATURE, "off");
        long created = create(ctx, kv, initial);
        try (OwnedKeys createdKeys = new OwnedKeys(ctx.client(), ctx.requestWait());
             // "Another client": an operator's tool, another service instance. Built like the demo's own client.
             Client other = ctx.connectAs(ctx.credentials().orElse(null))) {
            initial.keySet().forEach(key -> createdKeys.add(key, created));
            ctx.out().println("PUT " + String.join(", ", initial.entrySet().stream().map(e -> e.getKey() + " = " + e.getValue()).toList())
                + " (revision " + created + ")");

            // The listener runs on the cache's thread: it only queues, the section prints in its own order.
            StreamInbox<Update> updates = new StreamInbox<>(Update.class, "config cache");
            // Its loads wait as long as the client's attempts of one request may take; it checks its watch every half of that.
            CompletableFuture<ConfigCache> started =
                ConfigCache.start(ctx.client(), bytes(PREFIX), ctx.timeout().multipliedBy(2), updates::add);
            try (ConfigCache cache = ctx.await(started, "GET " + PREFIX + " (config cache load)")) {
                ConfigCache.Snapshot loaded = cache.snapshot();
                ctx.expect("what the cache loaded from " + PREFIX, loaded.values(), new TreeMap<>(initial));
                ctx.out().println("LOAD " + PREFIX + ": " + loaded.values().size() + " keys at revision " + loaded.revision());
                loaded.values().forEach((key, value) -> ctx.out().println("  " + key + " = " + value));
                ctx.out().println("WATCH " + PREFIX + " from revision " + (loaded.revision() + 1));

                KV otherKv = other.getKVClient();
                follow(ctx, updates, put(ctx, otherKv, TIMEOUT, "800"), new Change(TIMEOUT, "500", "800"));
                follow(ctx, updates, put(ctx, otherKv, RETRIES, "5"), new Change(RETRIES, "3", "5"));
                long deleted = ctx.await(otherKv.delete(bytes(FEATURE)), "DELETE " + FEATURE).getHeader().getRevision();
                ctx.out().println("Another client: DELETE " + FEATURE + " (revision " + deleted + ")");
                follow(ctx, updates, deleted, new Change(FEATURE, "off", null));

                long cutAt = cache.snapshot().revision();
                cache.rewatch();
                ctx.out().println("Watch cut at revision " + cutAt + " (as when its member dies); the cache watches again from revision "
                    + (cutAt + 1));
                long last = put(ctx, otherKv, RETRIES, "7");
                follow(ctx, updates, last, new Change(RETRIES, "5", "7"));
                // A second read of what the cache holds, from etcd itself, at the same revision.
                Map<String, String> atSameRevision = read(ctx, kv, GetOption.builder().isPrefix(true).withRevision(last).build());
                ctx.expect("the cache at revision " + last + " (etcd holds " + atSameRevision + ")", cache.snapshot().values(),
                    atSameRevision);
                ctx.out().println("GET " + PREFIX + " at revision " + last + ": " + atSameRevision.size()
                    + " keys, the same as the cache: nothing missed (watch resumed " + cache.resumes() + " time(s))");

                // The end: a linearizable read (the default) sees every write acknowledged anywhere in the cluster.
                GetResponse now = ctx.await(kv.get(bytes(PREFIX), GetOption.builder().isPrefix(true).build()), "GET " + PREFIX);
                ConfigCache.Snapshot reached = awaitCurrent(cache, now.getHeader().getRevision(), ctx.requestWait());
                Map<String, String> expected = new TreeMap<>(Map.of(TIMEOUT, "800", RETRIES, "7"));
                ctx.expect("GET " + PREFIX, toMap(now), expected);
                ctx.expect("the config cache", reached.values(), expected);
                ctx.out().println("Cache equals a linearizable GET " + PREFIX + ": " + expected.size() + " keys, "
                    + String.join(", ", expected.entrySet().stream().map(e -> e.getKey() + " = " + e.getValue()).toList()));
            }
        }
    }

    /** Creates the keys in one txn, only if none exists yet; returns their create revision. */
    private static long create(SectionContext ctx, KV kv, Map<String, String> values) {
        Cmp[] absent = values.keySet().stream()
            .map(key -> new Cmp(bytes(key), Cmp.Op.EQUAL, CmpTarget.createRevision(0))).toArray(Cmp[]::new);
        Op[] puts = values.entrySet().stream()
            .map(e -> Op.put(bytes(e.getKey()), bytes(e.getValue()), PutOption.DEFAULT)).toArray(Op[]::new);
        TxnResponse txn = ctx.await(kv.txn().If(absent).Then(puts).commit(), "TXN create " + PREFIX + " keys");
        if (!txn.isSucceeded()) {
            throw new DemoFailure("someone else created keys under " + PREFIX + " meanwhile; the config section leaves them alone");
        }
        return txn.getHeader().getRevision();
    }

    private static long put(SectionContext ctx, KV kv, String key, String value) {
        long revision = ctx.await(kv.put(bytes(key), bytes(value)), "PUT " + key).getHeader().getRevision();
        ctx.out().println("Another client: PUT " + key + " = " + value + " (revision " + revision + ")");
        return revision;
    }

    /** Waits for the cache's next update and checks it is exactly {@code expected}, at {@code revision}. */
    private static void follow(SectionContext ctx, StreamInbox<Update> updates, long revision, Change expected) {
        // Longer than the cache takes to find a silent watch (its member froze) and open it again.
        Update update = updates.next("config cache update for revision " + revision, ctx.requestWait());
        ctx.expect("the config cache's update", update, new Update(revision, List.of(expected), false));
        ctx.out().println("  cache at revision " + revision + ": " + expected.key() + " " + expected.oldValue() + " -> "
            + (expected.newValue() == null ? "(deleted)" : expected.newValue()));
    }

    /** The cache once it holds every change up to {@code revision}; one that does not get there in time ends the run. */
    private static ConfigCache.Snapshot awaitCurrent(ConfigCache cache, long revision, Duration within) throws InterruptedException {
        try {
            return cache.awaitCurrent(revision, within);
        } catch (TimeoutException e) {
            throw new DemoFailure(e.getMessage(), e);
        }
    }

    private static Map<String, String> read(SectionContext ctx, KV kv, GetOption option) {
        return toMap(ctx.await(kv.get(bytes(PREFIX), option), "GET " + PREFIX));
    }

    private static Map<String, String> toMap(GetResponse response) {
        Map<String, String> values = new TreeMap<>();
        for (KeyValue kv : response.getKvs()) {
            values.put(text(kv.getKey()), text(kv.getValue()));
        }
        return values;
    }

    @Override
    public List<String> keys() {
        return List.of(PREFIX);
    }
}
