package dev.etcdpoc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdpoc.local.LocalEtcd;
import dev.etcdpoc.support.Etcd;
import dev.etcdpoc.support.PocOutput;
import dev.etcdpoc.support.PocRun;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every section that uses the demo's etcd, twice in a row, against a real 3-member Raft cluster
 * where each request may land on any member. (failover brings its own cluster: FailoverSectionTest.)
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SectionsOnAClusterTest {

    @Test
    void everySectionRunsAgainstAThreeMemberCluster() {
        try (LocalEtcd cluster = LocalEtcd.start(3); Etcd check = new Etcd(cluster.endpoints())) {
            for (int round = 1; round <= 2; round++) {
                PocRun run = PocRun.of("-e", cluster.endpoints().toString(),
                    "crud", "watch", "txn", "cas", "lease", "lock", "election", "history", "config");
                assertRan(run, round);
            }
            assertThat(check.count("")).as("keys left in the cluster").isZero();
            assertThat(check.leaseCount()).as("leases left in the cluster").isZero();
        }
    }

    private static void assertRan(PocRun run, int round) {
        assertThat(run.exitCode()).as("round %d exit code; stderr: %s", round, run.err()).isZero();
        assertThat(run.err()).as("round %d stderr", round).isEmpty();
        assertThat(run.out()).as("round %d: the PoC's three come first, exactly as on one member", round)
            .startsWith(PocOutput.HEADER + PocOutput.BLOCKS.get("crud") + PocOutput.BLOCKS.get("watch") + PocOutput.BLOCKS.get("txn"));
        assertThat(run.outLines()).as("round %d: then every other section, in registry order", round).containsSubsequence(
            "--- Compare-and-swap (optimistic concurrency) ---",
            "--- Leases (service discovery) ---",
            "--- Distributed lock ---",
            "--- Leader election ---",
            "--- MVCC history ---",
            "--- Live configuration (a watch-fed cache) ---",
            "Done.");
    }
}
