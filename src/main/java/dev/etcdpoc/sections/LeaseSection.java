package dev.etcdpoc.sections;

import static dev.etcdpoc.core.Bytes.bytes;
import static dev.etcdpoc.core.Bytes.text;

import dev.etcdpoc.core.DemoFailure;
import dev.etcdpoc.sections.support.KeptAliveLease;
import dev.etcdpoc.sections.support.WatchFeed;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.LeaseOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.watch.WatchEvent;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Service discovery with leases: each instance registers a key attached to its own lease and keeps
 * the lease alive. An instance that stops renewing (crash, partition) disappears by itself one TTL
 * later; one that shuts down cleanly revokes its lease and disappears at once.
 */
public final class LeaseSection implements Section {
    private static final String PREFIX = "demo/lease/";
    private static final String SERVICES = PREFIX + "services/";
    /** Short, so the demo sees an expiry quickly; a real service picks a few seconds to a minute. */
    private static final long TTL_SECONDS = 2;

    @Override
    public void run(SectionContext ctx) {
        ctx.out().println("Two service instances register under " + SERVICES + ", each key attached to a lease kept alive.");
        ctx.out().println("An instance that stops renewing vanishes from the registry by itself: no stale entries after a crash.");
        // Each registration lives on its instance's lease: closing the lease (revoke) deletes it,
        // however the section ends, and nothing else needs cleaning up.
        try (KeptAliveLease first = KeptAliveLease.grant(ctx.client(), "instance-1", TTL_SECONDS, ctx.timeout());
             KeptAliveLease second = KeptAliveLease.grant(ctx.client(), "instance-2", TTL_SECONDS, ctx.timeout())) {
            register(ctx, "instance-1", "127.0.0.1:8081", first);
            register(ctx, "instance-2", "127.0.0.1:8082", second);
            long listed = list(ctx, "instance-1, instance-2");

            // Watch from the revision after the listing: every later change to the registry arrives, none is missed.
            try (WatchFeed feed = WatchFeed.prefix(ctx.client(), bytes(SERVICES), listed + 1, ctx.timeout())) {
                first.stopKeepAlive();
                ctx.out().println("instance-1 stops renewing its lease (TTL " + first.ttlSeconds() + "s), as if it crashed");
                // etcd expires the lease at most one TTL after its last renewal; allow a request deadline on top.
                Duration expiry = Duration.ofSeconds(first.ttlSeconds()).plus(ctx.timeout());
                expectDelete(ctx, feed.nextEvent("expiry of instance-1's lease", expiry), "instance-1");
                long ttl = ctx.await(ctx.client().getLeaseClient().timeToLive(first.id(), LeaseOption.DEFAULT),
                    "TTL of instance-1's lease").getTTL();
                if (ttl != -1) {
                    throw new DemoFailure("instance-1's key is gone but its lease still has " + ttl + "s to live");
                }
                ctx.out().println("instance-1's lease has expired: etcd no longer knows it (TTL -1)");
                // instance-2 kept renewing all along: if etcd dropped its lease anyway, say so, not "wrong listing".
                second.requireHeld();
                list(ctx, "instance-2");

                second.revoke();
                ctx.out().println("instance-2 shuts down cleanly: REVOKE its lease");
                expectDelete(ctx, feed.nextEvent("revoke of instance-2's lease"), "instance-2");
                list(ctx, "(none)");
            }
        }
    }

    private static void register(SectionContext ctx, String instance, String address, KeptAliveLease lease) {
        ctx.await(ctx.client().getKVClient().put(bytes(SERVICES + instance), bytes(address),
            PutOption.builder().withLeaseId(lease.id()).build()), "PUT " + SERVICES + instance);
        ctx.out().println("PUT " + SERVICES + instance + " = " + address + " (with its lease, TTL " + lease.ttlSeconds() + "s)");
    }

    /** Prints the registered instances, which must be {@code expected}; returns the revision the listing saw. */
    private static long list(SectionContext ctx, String expected) {
        GetResponse response = ctx.await(ctx.client().getKVClient().get(bytes(SERVICES),
            GetOption.builder().isPrefix(true).withKeysOnly(true).build()), "GET " + SERVICES);
        String names = response.getKvs().stream()
            .map(kv -> text(kv.getKey()).substring(SERVICES.length()))
            .collect(Collectors.joining(", "));
        String listed = names.isEmpty() ? "(none)" : names;
        ctx.expect("LIST " + SERVICES, listed, expected);
        ctx.out().println("LIST " + SERVICES + ": " + listed);
        return response.getHeader().getRevision();
    }

    private static void expectDelete(SectionContext ctx, WatchEvent event, String instance) {
        if (event.getEventType() != WatchEvent.EventType.DELETE || !text(event.getKeyValue().getKey()).equals(SERVICES + instance)) {
            throw new DemoFailure("expected " + SERVICES + instance + " to be deleted, the watch saw " + WatchFeed.describe(event));
        }
        ctx.out().println("  Watch event: " + WatchFeed.describe(event));
    }

    @Override
    public List<String> keys() {
        return List.of(PREFIX);
    }
}
