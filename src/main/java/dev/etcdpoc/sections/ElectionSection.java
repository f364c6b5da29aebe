package dev.etcdpoc.sections;

import static dev.etcdpoc.core.Bytes.bytes;
import static dev.etcdpoc.core.Bytes.text;

import dev.etcdpoc.core.DemoFailure;
import dev.etcdpoc.recipes.KeptAliveLease;
import dev.etcdpoc.recipes.LeaderElection;
import dev.etcdpoc.recipes.RecipeException;
import dev.etcdpoc.sections.support.OldestContender;
import dev.etcdpoc.sections.support.WatchFeed;
import io.etcd.jetcd.watch.WatchEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Narrates {@link LeaderElection}: two candidates campaign, one leads and the other waits; the leader
 * resigns and the other takes over, while an observer follows who leads without campaigning.
 */
public final class ElectionSection implements Section {
    private static final String PREFIX = "demo/election/";
    private static final String ELECTION = PREFIX + "leader";
    /** If a leader dies without resigning, the next candidate takes over this long after its last renewal. */
    private static final long TTL_SECONDS = 5;

    @Override
    public void run(SectionContext ctx) throws InterruptedException {
        ctx.out().println("Two candidates campaign for one election: exactly one leads, the other waits its turn.");
        ctx.out().println("When the leader resigns (or its lease expires) the next takes over, and observers see the change.");
        Duration wait = ctx.requestWait();
        // Observed from the revision after "now": every change of leader from here on is seen.
        long start = ctx.await(ctx.client().getKVClient().get(bytes(ELECTION)), "GET " + ELECTION).getHeader().getRevision();
        // Each candidate's lease owns its leader key: revoking it (closing the lease) ends its candidacy
        // even if the section fails midway.
        try (LeaderElection.Observer observer = LeaderElection.observe(ctx.client(), ELECTION, start + 1, wait);
             KeptAliveLease lease1 = KeptAliveLease.grant(ctx.client(), "candidate-1", TTL_SECONDS, wait);
             KeptAliveLease lease2 = KeptAliveLease.grant(ctx.client(), "candidate-2", TTL_SECONDS, wait)) {
            LeaderElection.Leadership leader1;
            try {
                leader1 = LeaderElection.lead(ctx.client(), ELECTION, lease1.id(), "candidate-1", wait);
            } catch (RecipeException waited) {
                // A leader elected by another client stays leader: wait like any candidate, never depose it.
                throw OldestContender.explain(waited, ctx.client(), ELECTION, lease1.id(), "is led", ctx.clients().namespace(), ctx.timeout());
            }
            ctx.out().println("candidate-1 CAMPAIGN " + ELECTION + " -> leader (leader key created at revision " + leader1.revision() + ")");
            expectObserved(ctx, observer, null, "candidate-1");

            long now = ctx.await(ctx.client().getKVClient().get(bytes(ELECTION)), "GET " + ELECTION).getHeader().getRevision();
            LeaderElection.Leadership leader2;
            try (WatchFeed queue = WatchFeed.prefix(ctx.client(), bytes(ELECTION + "/"), now + 1, ctx.timeout(), ctx.members())) {
                CompletableFuture<LeaderElection.Leadership> waiting =
                    LeaderElection.campaign(ctx.client(), ELECTION, lease2.id(), "candidate-2", wait);
                // etcd puts candidate-2's key first, then holds its call until every older key is gone:
                // seeing that key appear means candidate-2 is in line.
                WatchEvent queued = queue.nextEvent("candidate-2 joining " + ELECTION);
                // etcd names a candidate's key NAME/<lease in hex>.
                ctx.expect("the key queued for " + ELECTION, text(queued.getKeyValue().getKey()),
                    ELECTION + "/" + Long.toHexString(lease2.id()));
                if (waiting.isDone()) {
                    ctx.await(waiting, "CAMPAIGN " + ELECTION + " for candidate-2"); // a failed call says why
                    throw new DemoFailure("candidate-2 became leader while candidate-1 led");
                }
                ctx.out().println("candidate-2 CAMPAIGN " + ELECTION + " -> waiting (its key, created at revision "
                    + queued.getKeyValue().getCreateRevision() + ", is behind candidate-1's)");

                ctx.out().println("candidate-1 RESIGN -> at revision " + leader1.resign());
                leader2 = ctx.await(waiting, "CAMPAIGN " + ELECTION + " for candidate-2");
            }
            ctx.out().println("candidate-2 CAMPAIGN " + ELECTION + " -> leader (leader key created at revision " + leader2.revision() + ")");
            expectObserved(ctx, observer, "candidate-1", "candidate-2");

            String leader = LeaderElection.leader(ctx.client(), ELECTION, wait);
            ctx.expect("LEADER " + ELECTION, leader, "candidate-2");
            ctx.out().println("LEADER " + ELECTION + " = " + leader);

            leader2.resign();
            ctx.out().println("candidate-2 RESIGN");
        }
    }

    /** Takes the observer's next change of leader after {@code previous}, which must be {@code expected}. */
    private static void expectObserved(SectionContext ctx, LeaderElection.Observer observer, String previous, String expected)
        throws InterruptedException {
        String leader = observer.nextLeader(previous, ctx.requestWait());
        ctx.expect("the leader the observer saw", leader, expected);
        ctx.out().println("observer: the leader is " + expected);
    }

    /** Only keys on the candidates' leases, which go with them: another client's candidacy is never touched. */
    @Override
    public List<String> keys() {
        return List.of();
    }
}
