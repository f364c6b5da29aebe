package dev.etcdpoc.recipes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static dev.etcdpoc.support.Assertions.assertOneLineFailure;

import dev.etcdpoc.connect.ClientFactory;
import dev.etcdpoc.core.Await;
import dev.etcdpoc.core.Endpoints;
import dev.etcdpoc.core.Poll;
import dev.etcdpoc.sections.support.OldestContender;
import dev.etcdpoc.recipes.KeptAliveLease;
import dev.etcdpoc.support.FaultyCluster;
import dev.etcdpoc.support.PauseAtLine;
import dev.etcdpoc.support.PocRun;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.LeaseOption;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A kept-alive lease on a 3-member cluster outlives a frozen member (SIGSTOP: connections stay open,
 * nothing answers), and its holder hears at once when the lease is lost anyway. jetcd's own
 * keep-alive renews over one stream on one member and would let the lease expire when that member froze.
 */
@Tag("fault")
@Tag("etcd35")   // not in CI's etcd 3.4.23 leg: see docs/tests-and-ci.md, "Not on etcd 3.4"
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class KeptAliveLeaseTest {
    private static final Duration REQUEST = Duration.ofSeconds(2);
    private static final Duration BOUND = Duration.ofSeconds(30);
    @RegisterExtension
    final FaultyCluster cluster = FaultyCluster.perTest();

    @Test
    void theLeaseOutlivesEachMemberFrozenInTurn() throws Exception {
        try (Client client = cluster.client(REQUEST);
             KeptAliveLease lease = KeptAliveLease.grant(client, "test holder", 4, REQUEST)) {
            // Renewals go round the members, so each one in turn is, at some point, the one renewing.
            for (int member = 0; member < 3; member++) {
                cluster.freeze(member);
                long frozenAt = System.nanoTime();
                // Twice the TTL: a lease whose renewals stuck on the frozen member would have expired.
                Poll.until(BOUND, "two TTLs with member " + member + " frozen", () ->
                    System.nanoTime() - frozenAt > TimeUnit.SECONDS.toNanos(2 * lease.ttlSeconds()) ? Optional.of(true) : Optional.empty());
                // -1 once etcd has expired it; 0 is a lease with less than a second left, still alive.
                long ttl = remainingTtl(lease.id(), member);
                assertThat(lease.lost()).as("lease lost with member %d frozen: %s", member, lease.lost().getNow(null)).isNotDone();
                assertThat(ttl).as("TTL left, asked of a live member").isNotNegative();
                // One member at a time: the frozen one is back, healthy, before the next freezes. Restarted, not
                // thawed: a leader thawed after a freeze longer than the TTL may revoke the lease itself (etcd
                // 3.5.30 did after 6 thaws in 20; docs/retries.md, "A leader that wakes up"), which no client can prevent.
                cluster.recover();
            }
            lease.requireHeld();
        }
    }

    @Test
    void aLeaseRevokedByAnotherClientIsReportedLostAtOnce() throws Exception {
        try (Client client = cluster.client(REQUEST);
             Client other = cluster.client(REQUEST);
             KeptAliveLease lease = KeptAliveLease.grant(client, "test holder", 5, REQUEST)) {
            Await.result(other.getLeaseClient().revoke(lease.id()), REQUEST, "REVOKE by another client");
            long revokedAt = System.nanoTime();

            String reason = lease.lost().get(BOUND.toSeconds(), TimeUnit.SECONDS);
            // The next renewal (every TTL/3) hears NOT_FOUND: well within one TTL.
            assertThat(Duration.ofNanos(System.nanoTime() - revokedAt)).as("time to learn of the loss").isLessThan(Duration.ofSeconds(5));
            assertThat(reason).contains("etcd no longer knows it");
            assertThatThrownBy(lease::requireHeld).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the lease of test holder").hasMessageContaining("was lost");
        } // close() revokes a lease already gone: no failure
    }

    @Test
    void theLeaseSectionCompletesWithAFollowerFrozen() throws Exception {
        theLeaseSectionCompletesWith(false);
    }

    @Test
    void theLeaseSectionCompletesWithTheLeaderFrozen() throws Exception {
        theLeaseSectionCompletesWith(true);
    }

    private void theLeaseSectionCompletesWith(boolean leader) throws Exception {
        // Both leases are granted and kept alive, instance-1's keep-alive not yet stopped.
        PauseAtLine point = new PauseAtLine("LIST demo/lease/services/: instance-1, instance-2");
        CompletableFuture<PocRun> running = CompletableFuture.supplyAsync(() ->
            PocRun.watching(point, Map.of(), "--endpoints", cluster.members().endpoints().toString(), "--timeout", "2s", "lease"));
        try {
            assertThat(point.awaitReached(BOUND)).as("the run reached the listing").isTrue();
            int leading = cluster.members().awaitLeader(BOUND);
            cluster.freeze(leader ? leading : (leading + 1) % 3);
        } finally {
            point.resume();
        }
        PocRun run = running.get(90, TimeUnit.SECONDS);

        assertThat(run.exitCode()).as("exit; stdout: %s; stderr: %s", run.out(), run.err()).isZero();
        assertThat(run.outLines()).contains("LIST demo/lease/services/: instance-2", "LIST demo/lease/services/: (none)", "Done.");
    }

    @Test
    void aRunWhoseTurnLeaseIsRevokedMidwaySaysSo() throws Exception {
        PauseAtLine point = new PauseAtLine("PUT name = Guilherme");
        CompletableFuture<PocRun> running = CompletableFuture.supplyAsync(() ->
            PocRun.watching(point, Map.of(), "--endpoints", cluster.members().endpoints().toString(), "--timeout", "2s"));
        try (Client other = cluster.client(REQUEST)) {
            assertThat(point.awaitReached(BOUND)).as("the run reached its first PUT").isTrue();
            long turn = OldestContender.of(other, "etcd-poc/run", REQUEST).orElseThrow().lease();
            Await.result(other.getLeaseClient().revoke(turn), REQUEST, "REVOKE the run's turn");
        } finally {
            point.resume();
        }
        PocRun run = running.get(90, TimeUnit.SECONDS);

        assertOneLineFailure(run, 1, Duration.ofSeconds(30), "the run's turn lease was lost", "another client revoked it");
    }

    /** The lease's remaining TTL, asked of a member other than {@code frozenMember}. */
    private long remainingTtl(long lease, int frozenMember) {
        Endpoints live = Endpoints.parse(cluster.members().endpoints().uris().get((frozenMember + 1) % 3).toString());
        try (Client client = new ClientFactory(REQUEST).create(live)) {
            return Await.result(client.getLeaseClient().timeToLive(lease, LeaseOption.DEFAULT), REQUEST, "TTL").getTTL();
        }
    }
}
