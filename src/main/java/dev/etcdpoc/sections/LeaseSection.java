package dev.etcdpoc.sections;

import static dev.etcdpoc.core.Bytes.bytes;
import static dev.etcdpoc.core.Bytes.text;

import dev.etcdpoc.core.DemoFailure;
import dev.etcdpoc.core.Durations;
import dev.etcdpoc.recipes.ServiceRegistry;
import dev.etcdpoc.sections.support.WatchFeed;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.LeaseOption;
import io.etcd.jetcd.watch.WatchEvent;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * Narrates {@link ServiceRegistry}: two instances register on leases kept alive; one stops renewing, as
 * if it crashed, and vanishes one TTL later; the other shuts down cleanly and vanishes at once.
 */
public final class LeaseSection implements Section {
    private static final String PREFIX = "demo/lease/";
    private static final String SERVICES = PREFIX + "services/";
    /** Short, so the demo sees an expiry quickly; a real service picks a few seconds to a minute. */
    private static final long TTL_SECONDS = 2;
    /**
     * What a leader change adds to a lease's life: the new leader starts every lease's countdown again
     * with one election timeout added (etcd's lessor promotion), after an election that takes up to two
     * election timeouts. 3 s with etcd's default election timeout of 1 s.
     */
    private static final Duration LEADER_CHANGE = Duration.ofSeconds(3);
    /** How long the wait for an expiry goes on while etcd's leader keeps changing. */
    private static final Duration CHURN_LIMIT = Duration.ofSeconds(20);

    @Override
    public void run(SectionContext ctx) {
        ctx.out().println("Two service instances register under " + SERVICES + ", each key attached to a lease kept alive.");
        ctx.out().println("An instance that stops renewing vanishes from the registry by itself: no stale entries after a crash.");
        ServiceRegistry registry = new ServiceRegistry(ctx.client(), SERVICES, ctx.requestWait());
        // Each registration lives on its instance's lease: closing it (revoke) deletes the entry,
        // however the section ends, and nothing else needs cleaning up.
        try (ServiceRegistry.Registration first = register(ctx, registry, "instance-1", "127.0.0.1:8081");
             ServiceRegistry.Registration second = register(ctx, registry, "instance-2", "127.0.0.1:8082")) {
            long listed = list(ctx, registry, "instance-1, instance-2");

            // Watch from the revision after the listing: every later change to the registry arrives, none is missed.
            try (WatchFeed feed = WatchFeed.prefix(ctx.client(), bytes(SERVICES), listed + 1, ctx.timeout(), ctx.members())) {
                first.lease().stopKeepAlive();
                ctx.out().println("instance-1 stops renewing its lease (TTL " + first.lease().ttlSeconds() + "s), as if it crashed");
                expectDelete(ctx, awaitExpiry(ctx, feed, first.lease().ttlSeconds()), "instance-1");
                long ttl = ctx.await(ctx.client().getLeaseClient().timeToLive(first.lease().id(), LeaseOption.DEFAULT),
                    "TTL of instance-1's lease").getTTL();
                if (ttl != -1) {
                    throw new DemoFailure("instance-1's key is gone but its lease still has " + ttl + "s to live");
                }
                ctx.out().println("instance-1's lease has expired: etcd no longer knows it (TTL -1)");
                // instance-2 kept renewing all along: if etcd dropped its lease anyway, say so, not "wrong listing".
                second.lease().requireHeld();
                list(ctx, registry, "instance-2");

                second.close();
                ctx.out().println("instance-2 shuts down cleanly: REVOKE its lease");
                expectDelete(ctx, feed.nextEvent("revoke of instance-2's lease"), "instance-2");
                list(ctx, registry, "(none)");
            }
        }
    }

    /**
     * The watch event of instance-1's key deleted by its lease's expiry. etcd expires a lease at most one TTL
     * after its last renewal, later by a leader change meanwhile; a request deadline on top. A healthy etcd
     * takes one TTL. A leader keeps changing (a member lost again and again, an operator moving it): each new
     * leader gives every lease its TTL again, so each change seen (etcd's raft term rises) allows another TTL
     * and leader change, up to {@link #CHURN_LIMIT} in all; then the run says why there was no expiry.
     */
    private static WatchEvent awaitExpiry(SectionContext ctx, WatchFeed feed, long ttlSeconds) {
        String what = "expiry of instance-1's lease";
        Duration afterChange = Duration.ofSeconds(ttlSeconds).plus(LEADER_CHANGE);
        long start = System.nanoTime();
        long firstTerm = raftTerm(ctx);
        long term = firstTerm;
        long deadline = start + afterChange.plus(ctx.timeout()).toNanos();
        while (true) {
            Optional<WatchEvent> event = feed.nextEventBefore(what, deadline);
            if (event.isPresent()) {
                return event.get();
            }
            long now = raftTerm(ctx);
            Duration waited = Duration.ofSeconds(Math.round((System.nanoTime() - start) / 1e9));
            if (now == term) {
                throw new DemoFailure(what + ": no watch event within " + Durations.format(waited) + ", though its stream is live",
                    new TimeoutException("no lease expiry"));
            }
            term = now;
            if (waited.plus(afterChange).compareTo(CHURN_LIMIT) > 0) {
                throw new DemoFailure(what + ": no watch event within " + Durations.format(waited) + ": etcd's leader kept "
                    + "changing meanwhile (raft term " + firstTerm + " to " + now + ", " + (now - firstTerm) + " elections), and etcd "
                    + "gives every lease its whole TTL again at each leader change, so a lease cannot expire while that goes on. "
                    + "Run again once etcd's leader is steady");
            }
            deadline = System.nanoTime() + afterChange.toNanos();
        }
    }

    /** etcd's raft term, from the header of a read: it rises with each election. */
    private static long raftTerm(SectionContext ctx) {
        return ctx.await(ctx.client().getKVClient().get(bytes(SERVICES), GetOption.builder().withCountOnly(true).isPrefix(true).build()),
            "GET " + SERVICES + " (count)").getHeader().getRaftTerm();
    }

    private static ServiceRegistry.Registration register(SectionContext ctx, ServiceRegistry registry, String instance, String address) {
        ServiceRegistry.Registration registration = registry.register(instance, address, TTL_SECONDS);
        ctx.out().println("PUT " + registration.key() + " = " + address + " (with its lease, TTL " + registration.lease().ttlSeconds() + "s)");
        return registration;
    }

    /** Prints the registered instances, which must be {@code expected}; returns the revision the listing saw. */
    private static long list(SectionContext ctx, ServiceRegistry registry, String expected) {
        ServiceRegistry.Listing listing = registry.list();
        String listed = listing.instances().isEmpty() ? "(none)" : String.join(", ", listing.instances().keySet());
        ctx.expect("LIST " + SERVICES, listed, expected);
        ctx.out().println("LIST " + SERVICES + ": " + listed);
        return listing.revision();
    }

    private static void expectDelete(SectionContext ctx, WatchEvent event, String instance) {
        if (event.getEventType() != WatchEvent.EventType.DELETE || !text(event.getKeyValue().getKey()).equals(SERVICES + instance)) {
            throw new DemoFailure("expected " + SERVICES + instance + " to be deleted, the watch saw " + WatchFeed.describe(event)
                + ": another client may be writing the same keys (run with --namespace PREFIX to keep apart)");
        }
        ctx.out().println("  Watch event: " + WatchFeed.describe(event));
    }

    @Override
    public List<String> keys() {
        return List.of(PREFIX);
    }
}
