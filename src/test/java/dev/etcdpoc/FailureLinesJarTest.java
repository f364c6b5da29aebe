package dev.etcdpoc;

import static dev.etcdpoc.support.Assertions.assertOneLineFailure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdpoc.local.LocalEtcd;
import dev.etcdpoc.local.ProcessSignals;
import dev.etcdpoc.support.EtcdExtension;
import dev.etcdpoc.support.EtcdFixture;
import dev.etcdpoc.support.FaultyCluster;
import dev.etcdpoc.support.PocJar;
import dev.etcdpoc.support.PocLaunch;
import dev.etcdpoc.support.PocOutput;
import dev.etcdpoc.support.PocRun;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The fault tests that end in a failure line, once each through {@code java -jar target/poc.jar}: stderr is that one
 * line, whatever the JVM's exit path does after it; and a run that succeeds prints the exact output and nothing on
 * stderr, a throwaway etcd's notice aside.
 */
@Tag("jar")
@ExtendWith(EtcdExtension.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class FailureLinesJarTest {
    private static final Duration BOUND = Duration.ofSeconds(30);
    private static final String EXPIRY_WAIT = "instance-1 stops renewing its lease (TTL 2s), as if it crashed";

    @RegisterExtension
    final FaultyCluster cluster = FaultyCluster.perTest();

    @Test
    void aRunThatSucceedsPrintsTheExactOutputAndNothingOnStderr(EtcdFixture etcd) {
        PocRun run = PocLaunch.JAR.run("-e", etcd.endpoints().toString());

        assertThat(run.out()).as("stdout; stderr: %s", run.err()).isEqualTo(PocOutput.FULL);
        assertThat(run.exitCode()).isZero();
        assertThat(run.err()).as("stderr").isEmpty();
    }

    @Test
    void aMemberCutOffFromItsPeersAndGivenAsTheOnlyEndpoint() {
        int cutOff = cluster.members().awaitLeader(BOUND);
        cluster.members().partitions().cutOff(cutOff);

        PocRun run = PocLaunch.JAR.run("-e", cluster.members().endpoint(cutOff).toString(), "--timeout", "2s");

        assertOneLineFailure(run, 1, BOUND, "answers but has no leader", "is cut off from it", "Give --endpoints every member");
    }

    /** A cluster without the fault cluster's proxies in front of its client ports, so that a killed member refuses connections. */
    @Test
    void twoMembersOfThreeDown() {
        try (LocalEtcd three = LocalEtcd.start(3)) {
            int leader = three.awaitLeader(BOUND);
            three.kill(leader);
            three.kill((leader + 1) % 3);

            PocRun run = PocLaunch.JAR.run("--endpoints", three.endpoints().toString(), "--timeout", "2s");

            assertOneLineFailure(run, 1, BOUND, "etcd has no quorum", "2 of the 3 members given refuse connections");
        }
    }

    @Test
    void aQuorumLostWhileTheLeaseSectionWaits() {
        PocRun run = PocLaunch.JAR.actingAt(EXPIRY_WAIT, () -> {
            int leader = cluster.members().awaitLeader(BOUND);
            cluster.freeze((leader + 1) % 3);
            cluster.kill(leader);
        }, "-e", cluster.members().endpoints().toString(), "--timeout", "2s", "lease");

        assertOneLineFailure(run, 1, BOUND, "etcd has no quorum");
    }

    @Test
    void aSingleMemberFrozenWhileTheLeaseSectionWaits() {
        try (LocalEtcd etcd = LocalEtcd.start(1)) {
            PocRun run = PocLaunch.JAR.actingAt(EXPIRY_WAIT, () -> etcd.freeze(0), "-e", etcd.endpoints().toString(), "lease");

            assertOneLineFailure(run, 1, BOUND, "accepts connections but does not answer");
        }
    }

    @Test
    void theLeaderKeptMovingWhileTheLeaseSectionWaits() {
        LeaderChurnTest.assertChurnLine(LeaderChurnTest.leaseSectionUnderChurn(cluster.members(), PocLaunch.JAR));
    }

    @Test
    void anotherClientCompactsWhileTheHistorySectionReplays() {
        try (LocalEtcd etcd = LocalEtcd.start(1)) {
            ForeignCompactionTest.assertPassesOrSaysCompacted(ForeignCompactionTest.historyUnderCompaction(etcd, PocLaunch.JAR));
        }
    }

    /** Ctrl-C while the lease section holds leases: exit 130, and at most the word that it was interrupted. */
    @Test
    void ctrlC(EtcdFixture etcd) throws Exception {
        Process poc = PocJar.start(ProcessBuilder.Redirect.PIPE, List.of(), Map.of(), "-e", etcd.endpoints().toString(), "lease");
        try (BufferedReader out = new BufferedReader(new InputStreamReader(poc.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null && !line.equals(EXPIRY_WAIT); line = out.readLine()) {
                // up to the point where the run holds its leases
            }
            ProcessSignals.send(poc.pid(), "INT");
            assertThat(poc.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS)).as("exited after SIGINT").isTrue();
            String err = new String(poc.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);

            assertThat(poc.exitValue()).as("exit code; stderr: %s", err).isEqualTo(130);
            assertThat(err).as("stderr").isIn("", "poc: interrupted\n");
        } finally {
            poc.descendants().forEach(ProcessHandle::destroyForcibly);
            poc.destroyForcibly();
        }
    }
}
