package dev.etcdpoc.sections;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdpoc.support.FaultyCluster;
import dev.etcdpoc.support.Etcd;
import dev.etcdpoc.support.PocOutput;
import dev.etcdpoc.support.PocRun;
import dev.etcdpoc.support.UsersKeys;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every section that uses the demo's etcd, twice in a row, against a real 3-member Raft cluster
 * where each request may land on any member, while other clients write, lease and lock there
 * ({@link dev.etcdpoc.support.ForeignTraffic}). (failover brings its own cluster: FailoverSectionTest.)
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SectionsOnAClusterTest {

    @RegisterExtension
    static final FaultyCluster CLUSTER = FaultyCluster.perClass();

    @Test
    void everySectionRunsAgainstAThreeMemberClusterWhileOtherClientsWrite() {
        try (Etcd check = new Etcd(CLUSTER.members().endpoints());
             UsersKeys users = UsersKeys.put(CLUSTER.members().endpoints(), "other/config")) {
            long leases = check.leaseCount();
            for (int round = 1; round <= 2; round++) {
                PocRun run = PocRun.of("-e", CLUSTER.members().endpoints().toString(),
                    "crud", "watch", "txn", "cas", "lease", "lock", "election", "history", "config");
                assertRan(run, round);
            }
            users.assertUntouched();
            assertThat(check.leaseCount()).as("leases in the cluster").isEqualTo(leases);
        }
    }

    private static void assertRan(PocRun run, int round) {
        assertThat(run.exitCode()).as("round %d exit code; stderr: %s", round, run.err()).isZero();
        assertThat(run.err()).as("round %d stderr", round).isEmpty();
        assertThat(run.out()).as("round %d: the default three come first, exactly as on one member", round)
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
