package dev.etcdpoc.sections;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdpoc.support.OwnClusterRun;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The check section end to end, as a user runs it, on short runs (10 s of clients, still 5 faults), with the
 * fault tests (-Pfault): a linearizable verdict under faults, and the control flagged with its stale read
 * named. The full-length runs are in {@link CheckSectionFaultTest}.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class CheckSectionTest {
    private static final Duration BOUND = Duration.ofSeconds(90);
    static final String HOLDS = "^Verdict: (\\d+) operations on \\d+ keys under (\\d+) faults on %d members: linearizable; "
        + "3 watches, \\d+ events: ordered, unique, atomic, reliable, resumable, accurate$";

    @Test
    @Tag("fault")   // ~13 s; mvn verify checks a real run's history in PlantedViolationTest, CI runs check on etcd 3.5 and 3.4
    void aHistoryRecordedUnderFiveFaultsIsLinearizable(@TempDir Path tmp) throws Exception {
        OwnClusterRun run = OwnClusterRun.of(tmp, BOUND, "check", "--duration", "10s");

        assertThat(run.exitCode()).as("exit code; stdout:%n%s%nstderr:%n%s", run.out(), run.err()).isZero();
        assertThat(run.err()).as("stderr").isEmpty();
        assertThatTheRunHeld(run, 3);
        OwnClusterRun.assertNothingLeft(tmp);
    }

    @Test
    @Tag("fault")
    void theControlIsReportedNotLinearizableWithItsStaleReadNamed(@TempDir Path tmp) throws Exception {
        OwnClusterRun run = OwnClusterRun.of(tmp, BOUND, "check", "--serializable-reads", "--duration", "10s");

        assertThat(run.exitCode()).as("exit code: the stale read was caught; stdout:%n%s%nstderr:%n%s", run.out(), run.err())
            .isZero();
        assertThat(run.err()).as("stderr").isEmpty();
        run.line("^Verdict: \\d+ operations on \\d+ keys under \\d+ faults on 3 members: NOT linearizable \\(\\d+ of \\d+ keys\\);");
        run.line("^  key check/stale: NOT linearizable; smallest history that shows it");
        String read = run.line("^Control: the stale read was caught, as it had to be:\\n    (client \\d+ \\[[\\d.]+ \\.\\. [\\d.]+ ms\\] "
            + "get\\(check/stale\\) -> .*)$").group(1);
        assertThat(run.out()).as("the witness names the stale read").contains("      " + read);
        run.line("^  (m\\d), cut off from its peers, answered from its own copy after the others had acknowledged$");
        run.line("^  A serializable read is served by the member alone");
        OwnClusterRun.assertNothingLeft(tmp);
    }

    @Test
    void checkIsNotInAll() {
        assertThat(Sections.forAll()).extracting(Sections.Entry::name).doesNotContain("check", "auth").contains("failover");
    }

    /** Exit 0's facts: a linearizable verdict on every key, every watch guarantee, at least five faults, all healed. */
    static void assertThatTheRunHeld(OwnClusterRun run, int members) {
        int faults = Integer.parseInt(run.line(String.format(HOLDS, members)).group(2));
        assertThat(faults).as("faults injected").isGreaterThanOrEqualTo(5);
        assertThat(run.count("^Fault \\d+ at [\\d.]+ s: (leader|follower) m\\d (killed|frozen|cut off)"))
            .as("fault lines").isEqualTo(faults);
        assertThat(run.count("^Fault \\d+ at [\\d.]+ s: leader ")).as("faults that hit the leader").isGreaterThan(faults / 2);
        run.line("^  \\d+ operations \\(\\d+ ok, \\d+ failed, \\d+ unknown\\) on \\d+ keys: linearizable$");
        run.line("^  watches: 3 watches, \\d+ events: ordered, unique, atomic, reliable, resumable, accurate$");
        run.line("^Stopped the clients at [\\d.]+ s after \\d+ calls; every watch delivered up to the last revision");
    }
}
