package dev.etcdpoc;

import static dev.etcdpoc.support.Assertions.assertOneLineFailure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdpoc.local.LocalEtcd;
import dev.etcdpoc.support.FaultyCluster;
import dev.etcdpoc.support.LeaderChurn;
import dev.etcdpoc.support.PocLaunch;
import dev.etcdpoc.support.PocRun;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * etcd's leader moved by an operator (move-leader) while the lease section waits for a lease to expire. Each new
 * leader gives every lease its TTL again, so a lease cannot expire while the leader keeps changing: the section
 * waits on through a few changes, and says so in one line when they go on past its bound (20 s).
 */
@Tag("fault")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LeaderChurnTest {
    private static final String EXPIRY_WAIT = "instance-1 stops renewing its lease (TTL 2s), as if it crashed";

    @RegisterExtension
    final FaultyCluster cluster = FaultyCluster.perTest();

    @Test
    void whileTheLeaderKeepsMovingTheLeaseSectionSaysWhyNoLeaseExpires() {
        PocRun run = leaseSectionUnderChurn(cluster.members(), PocLaunch.IN_TEST_JVM);

        assertChurnLine(run);
    }

    @Test
    void aFewLeaderChangesPostponeTheExpiryAndTheSectionStillShowsIt() {
        PocRun run = PocLaunch.IN_TEST_JVM.actingAt(EXPIRY_WAIT, () -> {
            LeaderChurn.moveOnce(cluster.members());
            LeaderChurn.moveOnce(cluster.members());
        }, "-e", cluster.members().endpoints().toString(), "lease");

        assertThat(run.exitCode()).as("exit code; stderr: %s", run.err()).isZero();
        assertThat(run.outLines()).as("stdout").contains("instance-1's lease has expired: etcd no longer knows it (TTL -1)");
    }

    /** The lease section on {@code cluster} while its leader moves every 0.5 to 1.5 s. */
    static PocRun leaseSectionUnderChurn(LocalEtcd cluster, PocLaunch poc) {
        try (LeaderChurn churn = LeaderChurn.start(cluster)) {
            PocRun run = poc.run("-e", cluster.endpoints().toString(), "lease");
            assertThat(churn.moves()).as("leader moves during the run").isGreaterThan(3);
            return run;
        }
    }

    static void assertChurnLine(PocRun run) {
        assertOneLineFailure(run, 1, Duration.ofSeconds(45), "expiry of instance-1's lease", "etcd's leader kept changing meanwhile",
            "elections", "gives every lease its whole TTL again at each leader change", "Run again once etcd's leader is steady");
    }
}
