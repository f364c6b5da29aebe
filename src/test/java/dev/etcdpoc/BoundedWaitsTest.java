package dev.etcdpoc;

import static dev.etcdpoc.support.Assertions.assertOneLineFailure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdpoc.local.LocalEtcd;
import dev.etcdpoc.support.FaultyCluster;
import dev.etcdpoc.support.LoopbackPort;
import dev.etcdpoc.support.PauseAtLine;
import dev.etcdpoc.support.PauseBeforeRequest;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The waits README promises, each against a deadline long enough that one wait too many is unmistakable on a
 * busy machine: a silent endpoint ends within one deadline and a status probe (not two tries of it); a single
 * member frozen in the middle of a run ends the run within about two deadlines, whether it froze under a request
 * or under a watch; a member cut off from its peers as a run starts costs less than one deadline where the others
 * answer (its status, asked while a request waits on it, says it has no leader, and the request goes elsewhere).
 */
@Tag("fault")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class BoundedWaitsTest {
    private static final Duration DEADLINE = Duration.ofSeconds(10);
    private static final Duration BOUND = Duration.ofSeconds(60);

    @RegisterExtension
    final FaultyCluster cluster = FaultyCluster.perTest();

    @Test
    void aSilentEndpointEndsWithinOneDeadlineAndAProbe() {
        try (LoopbackPort silent = LoopbackPort.silent()) {
            PocRun run = PocRun.of("--endpoints", silent.url(), "--timeout", "10s");

            // One deadline, the diagnosis's probe (1 s), the run's start: a second try of the request would add half a deadline.
            assertOneLineFailure(run, 1, DEADLINE.plusSeconds(4), "no answer", "accepts connections but does not answer");
        }
    }

    /**
     * A single member frozen: before the run's first request, its 6th (the watch section's watch), its 12th (the
     * txn section's), under the watch that waits for a lease's expiry, and at the lock section's lock. The end of
     * the run counts from the freeze: the request or watch that meets it, then the clean-up's requests (one short
     * try each, etcd being known silent by then) and the diagnosis.
     */
    @ParameterizedTest(name = "frozen {0}")
    @ValueSource(strings = {"before request 1", "before request 6", "before request 12",
        "at: instance-1 stops renewing its lease (TTL 2s), as if it crashed",
        "at: Two workers want the same lock: the second waits until the first unlocks."})
    void aSingleMemberFrozenMidRunEndsTheRunWithinAboutTwoDeadlines(String point) throws Exception {
        try (LocalEtcd etcd = LocalEtcd.start(1)) {
            String[] args = {"--endpoints", etcd.endpoints().toString(), "--timeout", "8s", "all"};
            PauseAtLine atLine = point.startsWith("at: ") ? new PauseAtLine(point.substring(4)) : null;
            PauseBeforeRequest beforeRequest = atLine == null ? new PauseBeforeRequest(Integer.parseInt(point.replaceAll("\\D", ""))) : null;
            CompletableFuture<PocRun> running = CompletableFuture.supplyAsync(() -> atLine != null
                ? PocRun.watching(atLine, Map.of(), args) : PocRun.holding(beforeRequest, Map.of(), args));
            long frozen;
            try {
                boolean reached = atLine != null ? atLine.awaitReached(BOUND) : beforeRequest.awaitReached(BOUND);
                assertThat(reached).as("the run reached the point %s", point).isTrue();
                etcd.freeze(0);
                frozen = System.nanoTime();
            } finally {
                if (atLine != null) {
                    atLine.resume();
                } else {
                    beforeRequest.resume();
                }
            }
            PocRun run = running.get(BOUND.toSeconds(), TimeUnit.SECONDS);
            Duration afterFreeze = Duration.ofNanos(System.nanoTime() - frozen);

            assertOneLineFailure(run, 1, BOUND, "accepts connections but does not answer");
            System.out.println("frozen " + point + ": the run ended " + afterFreeze.toMillis() + " ms after the freeze: " + run.err().trim());
            // Within two deadlines of 8 s: a request's deadline, the clean-up's short tries and the diagnosis's probe
            // (9-13 s seen). Without the probes a request took its second and third tries (8 + 4 + 4 s) and each
            // clean-up request its own: 17-35 s.
            assertThat(afterFreeze).as("time from the freeze to the end of the run").isLessThan(Duration.ofSeconds(16));
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = FaultyCluster.Fault.class, names = {"LEADER_CUT_OFF", "FOLLOWER_CUT_OFF"})
    void aMemberCutOffAsTheRunStartsCostsLessThanADeadline(FaultyCluster.Fault fault) throws Exception {
        PauseBeforeRequest first = new PauseBeforeRequest(1);
        CompletableFuture<PocRun> running = CompletableFuture.supplyAsync(() ->
            PocRun.holding(first, Map.of(), "--endpoints", cluster.members().endpoints().toString(), "--timeout", "10s"));
        // Without the probe, a request that reached the cut-off member first waited there for etcd's own "request
        // timed out" (5 s and two election timeouts, before the deadline of 10 s): a run of 7.5-8.5 s, where the
        // run itself takes about one.
        try {
            assertThat(first.awaitReached(BOUND)).as("the run reached its first request").isTrue();
            cluster.inject(fault);
        } finally {
            first.resume();
        }
        PocRun run = running.get(BOUND.toSeconds(), TimeUnit.SECONDS);

        assertThat(run.out()).as("stdout; stderr: %s", run.err()).isEqualTo(PocOutput.FULL);
        assertThat(run.exitCode()).isZero();
        System.out.println(fault + " as the run started: the run took " + run.elapsed().toMillis() + " ms");
        // The member's status says it has no leader within a second or two of the cut: 1.5-4 s seen, more when the
        // cut-off leader's successor takes a split vote or two (Await.ELECTION). Below etcd's own "request timed
        // out" (5 s and two election timeouts), which a try on the cut-off member waited out before: 7.6-8.5 s runs.
        assertThat(run.elapsed()).as("time with a member cut off as the run started").isLessThan(Duration.ofSeconds(7));
    }
}
