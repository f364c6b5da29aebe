package dev.etcdpoc.sections;

import static dev.etcdpoc.core.Bytes.bytes;
import static dev.etcdpoc.core.Bytes.text;

import dev.etcdpoc.core.DemoFailure;
import dev.etcdpoc.sections.support.Holder;
import dev.etcdpoc.sections.support.KeptAliveLease;
import dev.etcdpoc.sections.support.LeaderObserver;
import dev.etcdpoc.sections.support.WatchFeed;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Election;
import io.etcd.jetcd.election.CampaignResponse;
import io.etcd.jetcd.watch.WatchEvent;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Leader election: candidates campaign with a value (here their name) and etcd makes the oldest
 * campaigner the leader; the others' campaign calls block until they lead. Anyone can observe who
 * leads without campaigning.
 */
public final class ElectionSection implements Section {
    private static final String PREFIX = "demo/election/";
    private static final String ELECTION = PREFIX + "leader";
    /** If a leader dies without resigning, the next candidate takes over this long after its last renewal. */
    private static final long TTL_SECONDS = 5;

    @Override
    public void run(SectionContext ctx) {
        ctx.out().println("Two candidates campaign for one election: exactly one leads, the other waits its turn.");
        ctx.out().println("When the leader resigns (or its lease expires) the next takes over, and observers see the change.");
        Election election = ctx.client().getElectionClient();
        ByteSequence name = bytes(ELECTION);
        // Observed from the revision after "now": every change of leader from here on is seen.
        long start = ctx.await(ctx.client().getKVClient().get(name), "GET " + ELECTION).getHeader().getRevision();
        // Each candidate's lease owns its leader key: revoking it (closing the lease) ends its
        // candidacy even if the section fails midway.
        try (LeaderObserver observer = LeaderObserver.start(ctx.client(), ELECTION, start + 1, ctx.timeout());
             KeptAliveLease lease1 = KeptAliveLease.grant(ctx.client(), "candidate-1", TTL_SECONDS, ctx.timeout());
             KeptAliveLease lease2 = KeptAliveLease.grant(ctx.client(), "candidate-2", TTL_SECONDS, ctx.timeout())) {
            CampaignResponse leader1;
            try {
                leader1 = ctx.await(election.campaign(name, lease1.id(), bytes("candidate-1")), "CAMPAIGN " + ELECTION + " for candidate-1");
            } catch (DemoFailure waited) {
                // A leader elected by another client stays leader: wait like any candidate, never depose it.
                throw Holder.explain(waited, ctx.client(), ELECTION, lease1.id(), "is led", ctx.timeout());
            }
            ctx.out().println("candidate-1 CAMPAIGN " + ELECTION + " -> leader (leader key created at revision "
                + leader1.getLeader().getRevision() + ")");
            expectObserved(ctx, observer, null, "candidate-1");

            long now = ctx.await(ctx.client().getKVClient().get(name), "GET " + ELECTION).getHeader().getRevision();
            CampaignResponse leader2;
            try (WatchFeed queue = WatchFeed.prefix(ctx.client(), bytes(ELECTION + "/"), now + 1, ctx.timeout())) {
                CompletableFuture<CampaignResponse> waiting = election.campaign(name, lease2.id(), bytes("candidate-2"));
                // etcd puts candidate-2's key first, then blocks its call until every older key is
                // gone: seeing that key appear means candidate-2 is in line.
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

                long resigned = ctx.await(election.resign(leader1.getLeader()), "RESIGN candidate-1").getHeader().getRevision();
                ctx.out().println("candidate-1 RESIGN -> at revision " + resigned);
                leader2 = ctx.await(waiting, "CAMPAIGN " + ELECTION + " for candidate-2");
            }
            ctx.out().println("candidate-2 CAMPAIGN " + ELECTION + " -> leader (leader key created at revision "
                + leader2.getLeader().getRevision() + ")");
            expectObserved(ctx, observer, "candidate-1", "candidate-2");

            String leader = text(ctx.await(election.leader(name), "LEADER " + ELECTION).getKv().getValue());
            ctx.expect("LEADER " + ELECTION, leader, "candidate-2");
            ctx.out().println("LEADER " + ELECTION + " = " + leader);

            ctx.await(election.resign(leader2.getLeader()), "RESIGN candidate-2");
            ctx.out().println("candidate-2 RESIGN");
        }
    }

    /** Takes the observer's next change of leader after {@code previous}, which must be {@code expected}. */
    private static void expectObserved(SectionContext ctx, LeaderObserver observer, String previous, String expected) {
        String leader = observer.nextLeader(previous);
        ctx.expect("the leader the observer saw", leader, expected);
        ctx.out().println("observer: the leader is " + expected);
    }

    /** Only keys on the candidates' leases, which go with them: another client's candidacy is never touched. */
    @Override
    public List<String> keys() {
        return List.of();
    }
}
