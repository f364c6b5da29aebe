package dev.etcdpoc.sections;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdpoc.support.Change;
import dev.etcdpoc.support.Etcd;
import dev.etcdpoc.support.EtcdExtension;
import dev.etcdpoc.support.EtcdFixture;
import dev.etcdpoc.support.PocRun;
import dev.etcdpoc.support.SectionRuns;
import dev.etcdpoc.support.WatchLog;
import io.etcd.jetcd.options.LeaseOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** lease: an instance that stops renewing its lease disappears by itself; a revoked one at once. */
@ExtendWith(EtcdExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LeaseSectionTest {
    private static final String INSTANCE_1 = "demo/lease/services/instance-1";
    private static final String INSTANCE_2 = "demo/lease/services/instance-2";

    @Test
    void theStoppedInstanceExpiresWhileTheOtherStaysRegistered(EtcdFixture etcd) throws InterruptedException {
        try (Etcd check = new Etcd(etcd.endpoints()); WatchLog log = new WatchLog(check, "demo/lease/")) {
            PocRun run = SectionRuns.runLeavingNothing(etcd, "lease");

            assertThat(run.outLines()).as("the story, in order").containsSubsequence(
                "--- Leases (service discovery) ---",
                "LIST demo/lease/services/: instance-1, instance-2",
                "instance-1 stops renewing its lease (TTL 2s), as if it crashed",
                "  Watch event: demo/lease/services/instance-1 -> \"\" (Delete)",
                "instance-1's lease has expired: etcd no longer knows it (TTL -1)",
                "LIST demo/lease/services/: instance-2",
                "instance-2 shuts down cleanly: REVOKE its lease",
                "  Watch event: demo/lease/services/instance-2 -> \"\" (Delete)",
                "LIST demo/lease/services/: (none)");

            // What etcd really did: each key was stored with its own lease, instance-1's went first
            // and alone, while instance-2 was still registered.
            List<Change> changes = log.until(c -> c.isDeleteOf(INSTANCE_2), Duration.ofSeconds(10));
            assertThat(changes).extracting(Change::toString).map(s -> s.replaceAll(" @\\d+", "")).containsExactly(
                "PUT " + INSTANCE_1 + " = 127.0.0.1:8081",
                "PUT " + INSTANCE_2 + " = 127.0.0.1:8082",
                "DELETE " + INSTANCE_1,
                "DELETE " + INSTANCE_2);
            long lease1 = changes.get(0).lease();
            long lease2 = changes.get(1).lease();
            assertThat(lease1).as("instance-1's key has a lease").isNotZero().isNotEqualTo(lease2);
            assertThat(lease2).as("instance-2's key has a lease").isNotZero();
            assertThat(changes.get(2).revision()).as("instance-1 expired before instance-2 was revoked")
                .isLessThan(changes.get(3).revision());
            assertThat(check.await(check.client().getLeaseClient().timeToLive(lease1, LeaseOption.DEFAULT)).getTTL())
                .as("instance-1's lease is gone").isEqualTo(-1);
        }
    }
}
