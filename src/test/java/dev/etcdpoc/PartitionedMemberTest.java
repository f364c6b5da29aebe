package dev.etcdpoc;

import static dev.etcdpoc.support.Assertions.assertOneLineFailure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdpoc.support.FaultyCluster;
import dev.etcdpoc.support.PauseAtLine;
import dev.etcdpoc.support.PocOutput;
import dev.etcdpoc.support.PocRun;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Partitions, not crashes: a member cut off from its peers while the client still reaches it, the
 * client cut off from a member, and a quorum really lost in the middle of a section. (The sweep in
 * {@link FaultBeforeEveryRequestTest} cuts the leader off before every request of the default run.)
 */
@Tag("fault")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class PartitionedMemberTest {
    private static final Duration BOUND = Duration.ofSeconds(30);
    private static final String TIMEOUT = System.getProperty("partition.timeout", "2s");

    @RegisterExtension
    final FaultyCluster cluster = FaultyCluster.perTest();

    @Test
    void aMemberCutOffFromItsPeersAndGivenAsTheOnlyEndpointFailsWithOneLineThatSaysSo() {
        int cutOff = cluster.members().awaitLeader(BOUND);
        cluster.members().partitions().cutOff(cutOff);

        PocRun run = PocRun.of("-e", cluster.members().endpoint(cutOff).toString(), "--timeout", "2s");

        assertOneLineFailure(run, 1, BOUND, "answers but has no leader", "(of the same cluster) answered a quorum read",
            "is cut off from it", "Give --endpoints every member");
        assertThat(run.err()).as("a cut-off member is not a lost quorum").doesNotContain("no quorum");
    }

    @Test
    void theClientCutOffFromTheLeaderStillGetsTheExactOutput() {
        cluster.members().partitions().cutFromClients(cluster.members().awaitLeader(BOUND));

        PocRun run = PocRun.of("-e", cluster.members().endpoints().toString(), "--timeout", "2s");

        assertThat(run.out()).as("stdout; stderr: %s", run.err()).isEqualTo(PocOutput.FULL);
        assertThat(run.exitCode()).isZero();
        assertThat(run.elapsed()).as("time with the leader out of reach").isLessThan(BOUND);
    }

    /**
     * A follower frozen, then the leader killed, while the lease section waits for a lease to expire:
     * no quorum is left. The run ends within about two request deadlines (of 2 s) with one line that
     * names the lost quorum — not a closed watch, and not after trying every clean-up at length.
     */
    @Test
    void aQuorumLostInTheMiddleOfASectionEndsTheRunSoonWithOneLineThatNamesIt() throws Exception {
        PauseAtLine point = new PauseAtLine("instance-1 stops renewing its lease (TTL 2s), as if it crashed");
        CompletableFuture<PocRun> running = CompletableFuture.supplyAsync(() ->
            PocRun.watching(point, Map.of(), "-e", cluster.members().endpoints().toString(), "--timeout", TIMEOUT, "lease"));
        long lost;
        try {
            assertThat(point.awaitReached(BOUND)).as("the run reached the lease's expiry").isTrue();
            int leader = cluster.members().awaitLeader(BOUND);
            cluster.freeze((leader + 1) % 3);
            cluster.kill(leader);
            lost = System.nanoTime();
        } finally {
            point.resume();
        }
        PocRun run = running.get(90, TimeUnit.SECONDS);
        Duration afterLoss = Duration.ofNanos(System.nanoTime() - lost);

        assertOneLineFailure(run, 1, BOUND, "etcd has no quorum");
        System.out.println("quorum lost mid-lease: the run ended " + afterLoss.toMillis() + " ms after the loss: " + run.err().trim());
        // Two deadlines of 2 s, an election timeout's worth of etcd noticing, and the diagnosis's probes.
        assertThat(afterLoss).as("time from the loss to the end of the run").isLessThan(Duration.ofSeconds(20));
    }
}
