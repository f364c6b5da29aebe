package dev.etcdpoc.sections;

import static dev.etcdpoc.core.Bytes.bytes;
import static dev.etcdpoc.core.Bytes.text;

import dev.etcdpoc.connect.ClientFactory;
import dev.etcdpoc.core.Await;
import dev.etcdpoc.core.DemoFailure;
import dev.etcdpoc.core.Poll;
import dev.etcdpoc.failover.AckedWriter;
import dev.etcdpoc.failover.ResumingWatch;
import dev.etcdpoc.failover.WatchAudit;
import dev.etcdpoc.local.LocalEtcd;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Strong consistency, live: a 3-member cluster loses its leader in the middle of a stream of
 * acknowledged writes, elects another, takes the dead member back, and then loses quorum. The
 * section starts its own throwaway cluster, so it can kill members without touching yours.
 */
public final class FailoverSection implements Section {
    private static final String KEYS = "demo/failover/keys/";
    private static final String PROBE = "demo/failover/probe";
    private static final int WRITES_BEFORE_KILL = 50;
    private static final int WRITES_AFTER_ELECTION = 50;
    private static final int WRITES_AFTER_RESTART = 20;
    /**
     * Each request's deadline here. A write caught by the failover (sent to a follower that was
     * forwarding to the dead leader) is not answered until etcd's own ~5 s request timeout; a
     * short deadline lets the writer give up on it and retry at the new leader.
     */
    private static final Duration REQUEST_DEADLINE = Duration.ofSeconds(1);
    /** Elections on loopback take about a second; these bounds only keep a broken run from hanging. */
    private static final Duration PHASE = Duration.ofSeconds(30);

    @Override
    public void run(SectionContext ctx) throws InterruptedException {
        PrintStream out = ctx.out();
        out.println("Raft keeps a write once a majority has it: losing the leader loses no acknowledged write,");
        out.println("and losing the majority stops writes rather than accept ones that could be lost.");
        try (LocalEtcd cluster = LocalEtcd.start(3);
             Client client = ctx.clients().forOwnCluster().withTimeout(REQUEST_DEADLINE).create(cluster.endpoints())) {
            KV kv = client.getKVClient();
            out.println("Cluster: 3 members " + names(cluster) + ", leader " + cluster.name(cluster.awaitLeader(PHASE)));

            long from = retried("GET " + KEYS, () -> kv.get(bytes(KEYS))).getHeader().getRevision() + 1;
            List<AckedWriter.Ack> acks;
            WatchAudit audit;
            int reopened;
            try (ResumingWatch watch = ResumingWatch.prefix(client.getWatchClient(), bytes(KEYS), from);
                 AckedWriter writer = AckedWriter.start(kv, KEYS, REQUEST_DEADLINE)) {
                out.println("Writer: one key at a time under " + KEYS + ", each acknowledged before the next;"
                    + " a watch on the prefix from revision " + from);
                acks = killLeaderMidStream(out, cluster, client, writer);
                watch.awaitRevision(acks.get(acks.size() - 1).revision(), PHASE);
                audit = WatchAudit.of(acks, watch.seen());
                reopened = watch.resumes();
            }
            int readable = readable(kv, acks);
            out.println("Linearizable read: " + readable + " of " + acks.size() + " acknowledged writes present, values intact");

            long refusedMs = loseQuorum(out, cluster, kv, ctx.clients().forOwnCluster().withTimeout(REQUEST_DEADLINE));
            int readableAfter = readable(kv, acks);
            out.println("Linearizable read after the restarts: " + readableAfter + " of " + acks.size()
                + " acknowledged writes present");

            out.println("Acknowledged writes " + acks.size() + ", lost " + (acks.size() - Math.min(readable, readableAfter)));
            out.println("Watch events " + audit.events() + ", gaps " + audit.gaps() + ", duplicates " + audit.duplicates()
                + ", out of order " + audit.outOfOrder() + " (watch reopened " + reopened + " time(s))");
            out.println("No-quorum writes refused in " + refusedMs + " ms");
            if (readable != acks.size() || readableAfter != acks.size() || !audit.clean()) {
                throw new DemoFailure("the cluster lost or repeated acknowledged writes: see the lines above");
            }
        }
    }

    /** Kills the leader while the writer runs, restarts it once a new leader took over; returns every acknowledged write. */
    private static List<AckedWriter.Ack> killLeaderMidStream(PrintStream out, LocalEtcd cluster, Client client,
                                                            AckedWriter writer) throws InterruptedException {
        writer.awaitAcks(WRITES_BEFORE_KILL, PHASE);
        int leader = cluster.awaitLeader(PHASE);
        int ackedAtKill = writer.ackCount();
        cluster.kill(leader);
        out.println("Killed the leader " + cluster.name(leader) + " (SIGKILL) after " + ackedAtKill + " acknowledged writes");

        int newLeader = cluster.awaitLeader(PHASE);
        writer.awaitAcks(ackedAtKill + WRITES_AFTER_ELECTION, PHASE);
        out.println("New leader: " + cluster.name(newLeader) + "; writes paused for "
            + writer.longestPauseAfter(ackedAtKill - 1).toMillis() + " ms, then went on");

        long target = writer.lastAck().revision();
        long start = System.nanoTime();
        cluster.restart(leader);
        awaitApplied(cluster, client, leader, target);
        out.println("Restarted " + cluster.name(leader) + ": rejoined and caught up with the writes acknowledged while it was"
            + " down in " + (System.nanoTime() - start) / 1_000_000 + " ms");

        writer.awaitAcks(writer.ackCount() + WRITES_AFTER_RESTART, PHASE);
        List<AckedWriter.Ack> acks = writer.stop();
        out.println("Stopped the writer after " + acks.size() + " acknowledged writes; " + writer.failedAttempts()
            + " attempts failed during the failover and were retried");
        return acks;
    }

    /** Waits until one member, asked alone, has applied {@code revision}: how a restarted member shows it caught up. */
    private static long awaitApplied(LocalEtcd cluster, Client client, int member, long revision) {
        String target = cluster.endpoint(member).uris().get(0).getAuthority();
        return Poll.until(PHASE, cluster.name(member) + " catching up to revision " + revision, () -> {
            long applied = retried("STATUS " + target, () -> client.getMaintenanceClient().statusMember(target))
                .getHeader().getRevision();
            return applied >= revision ? Optional.of(applied) : Optional.empty();
        });
    }

    /** Kills two of three members, shows a write refused, restarts them and shows writes resume; returns ms to refusal. */
    private static long loseQuorum(PrintStream out, LocalEtcd cluster, KV kv, ClientFactory clients) {
        int leader = cluster.awaitLeader(PHASE);
        int follower = (leader + 1) % cluster.size();
        int survivor = (leader + 2) % cluster.size();
        cluster.kill(leader);
        cluster.kill(follower);
        out.println("Killed " + cluster.name(leader) + " and " + cluster.name(follower) + ": 1 of 3 members left, no quorum");

        // Asked through a fresh connection to the survivor alone, so the refusal is etcd's (no quorum to
        // commit), not the shared client failing fast while it waits to reconnect to a member.
        long start = System.nanoTime();
        DemoFailure refused = null;
        try (Client alone = clients.create(cluster.endpoint(survivor))) {
            Await.result(alone.getKVClient().put(bytes(PROBE), bytes("without quorum")), REQUEST_DEADLINE, "PUT " + PROBE);
        } catch (DemoFailure e) {
            refused = e;
        }
        long refusedMs = (System.nanoTime() - start) / 1_000_000;
        if (refused == null) {
            throw new DemoFailure("a write was accepted with 1 of 3 members up");
        }
        out.println("PUT " + PROBE + " without quorum -> refused: " + refused.getMessage().replace("PUT " + PROBE + ": ", ""));

        cluster.restart(leader);
        cluster.restart(follower);
        cluster.awaitHealthy(PHASE);
        retried("PUT " + PROBE, () -> kv.put(bytes(PROBE), bytes("with quorum")));
        out.println("Restarted " + cluster.name(leader) + " and " + cluster.name(follower) + ": PUT " + PROBE + " -> ok");
        return refusedMs;
    }

    /**
     * The call's result, trying again until it succeeds. Right after members come back, gRPC may
     * still be waiting out its reconnect back-off to them; with waitForReady off, calls fail fast
     * until a connection is up again.
     */
    private static <T> T retried(String what, Supplier<CompletableFuture<T>> call) {
        return Poll.until(PHASE, what + " succeeding", () -> {
            try {
                return Optional.of(Await.result(call.get(), REQUEST_DEADLINE, what));
            } catch (DemoFailure notYet) {
                return Optional.empty();
            }
        });
    }

    /** How many acknowledged writes a linearizable read (jetcd's default) finds with the value written. */
    private static int readable(KV kv, List<AckedWriter.Ack> acks) {
        List<KeyValue> kvs = retried("GET " + KEYS, () -> kv.get(bytes(KEYS), GetOption.builder().isPrefix(true).build())).getKvs();
        Map<String, String> stored = kvs.stream().collect(Collectors.toMap(e -> text(e.getKey()), e -> text(e.getValue())));
        return (int) acks.stream().filter(a -> String.valueOf(a.number()).equals(stored.get(a.key()))).count();
    }

    private static String names(LocalEtcd cluster) {
        return IntStream.range(0, cluster.size()).mapToObj(cluster::name).collect(Collectors.joining(", ", "(", ")"));
    }

    /** None on the demo's etcd: the section writes only to the cluster it starts. */
    @Override
    public List<String> keys() {
        return List.of();
    }
}
