package dev.etcdpoc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdpoc.support.Etcd;
import dev.etcdpoc.support.PocOutput;
import dev.etcdpoc.support.PocRun;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every section ({@code all}) against a real 3-member Raft cluster, where each request may land on any member. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SectionsOnAClusterTest {

    @Test
    void everySectionRunsAgainstAThreeMemberCluster() {
        try (LocalEtcd cluster = LocalEtcd.start(3); Etcd check = new Etcd(cluster.endpoints())) {
            PocRun run = PocRun.of("-e", cluster.endpoints().toString(), "all");

            assertThat(run.exitCode()).as("exit code; stderr: %s", run.err()).isZero();
            assertThat(run.err()).isEmpty();
            assertThat(run.out()).as("the PoC's three come first, exactly as on one member")
                .startsWith(PocOutput.HEADER + PocOutput.BLOCKS.get("crud") + PocOutput.BLOCKS.get("watch") + PocOutput.BLOCKS.get("txn"));
            assertThat(run.outLines()).as("then every other section, in registry order").containsSubsequence(
                "--- Compare-and-swap (optimistic concurrency) ---",
                "--- Leases (service discovery) ---",
                "--- Distributed lock ---",
                "--- Leader election ---",
                "--- MVCC history ---",
                "Done.");
            assertThat(check.count("")).as("keys left in the cluster").isZero();
            assertThat(check.leaseCount()).as("leases left in the cluster").isZero();
        }
    }
}
