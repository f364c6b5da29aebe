package dev.etcdpoc;

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
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A gray failure: the leader of a 3-member cluster stops (SIGSTOP, as a long GC pause or a stuck
 * disk would stop it) at a point of the default run, keeping its connections open. The two others
 * are a quorum, so the run must go on to its exact output, losing about one request deadline.
 */
@Tag("fault")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class FrozenMemberTest {
    private static final Duration BOUND = Duration.ofSeconds(30);
    @RegisterExtension
    final FaultyCluster cluster = FaultyCluster.perTest();

    @ParameterizedTest
    @ValueSource(strings = {"=== etcd PoC with Java ===", "PUT name = Guilherme", "--- Watch ---",
        "  Watch event: dog -> \"sits\" (Put)", "--- Transaction (atomic multi-key write) ---"})
    void theDefaultRunCompletesWithItsLeaderFrozenAt(String line) throws Exception {
        PauseAtLine point = new PauseAtLine(line);
        CompletableFuture<PocRun> running = CompletableFuture.supplyAsync(() ->
            PocRun.watching(point, Map.of(), "--endpoints", cluster.members().endpoints().toString(), "--timeout", "3s"));
        try {
            assertThat(point.awaitReached(BOUND)).as("the run reached %s", line).isTrue();
            cluster.freeze(cluster.members().awaitLeader(BOUND));
        } finally {
            point.resume();
        }
        PocRun run = running.get(90, TimeUnit.SECONDS);

        assertThat(run.out()).as("stdout; stderr: %s", run.err()).isEqualTo(PocOutput.FULL);
        assertThat(run.exitCode()).isZero();
        // One deadline (3 s) for the frozen member, a leader election, a re-watch: well under 30 s.
        assertThat(run.elapsed()).as("time with a frozen leader").isLessThan(Duration.ofSeconds(30));
    }
}
