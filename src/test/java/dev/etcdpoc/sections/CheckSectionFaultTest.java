package dev.etcdpoc.sections;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdpoc.core.Poll;
import dev.etcdpoc.local.ProcessSignals;
import dev.etcdpoc.support.OwnClusterRun;
import dev.etcdpoc.support.PocProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The check section at its full default length, on 3 and on 5 members, and stopped (Ctrl-C, or killed)
 * while one of its members is frozen: nothing of it left running.
 */
@Tag("fault")
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class CheckSectionFaultTest {
    private static final Duration BOUND = Duration.ofSeconds(120);

    @Test
    void theDefaultRunIsLinearizable(@TempDir Path tmp) throws Exception {
        OwnClusterRun run = OwnClusterRun.of(tmp, BOUND, "check");

        assertThat(run.exitCode()).as("exit code; stdout:%n%s%nstderr:%n%s", run.out(), run.err()).isZero();
        assertThat(run.err()).as("stderr").isEmpty();
        CheckSectionTest.assertThatTheRunHeld(run, 3);
        OwnClusterRun.assertNothingLeft(tmp);
    }

    @Test
    void fiveMembersOnRequest(@TempDir Path tmp) throws Exception {
        OwnClusterRun run = OwnClusterRun.of(tmp, BOUND, "check", "--members", "5");

        assertThat(run.exitCode()).as("exit code; stdout:%n%s%nstderr:%n%s", run.out(), run.err()).isZero();
        run.line("^Cluster: 5 members \\(m0, m1, m2, m3, m4\\)");
        CheckSectionTest.assertThatTheRunHeld(run, 5);
        OwnClusterRun.assertNothingLeft(tmp);
    }

    @ParameterizedTest(name = "SIG{0}")
    @CsvSource({"INT, 130", "KILL, 137"})
    void stoppedWhileAMemberIsFrozenItLeavesNoMemberRunning(String signal, int exitCode, @TempDir Path tmp) throws Exception {
        Process poc = PocProcess.start(List.of("-Djava.io.tmpdir=" + tmp), Map.of(), "check");
        try {
            // The second fault freezes the leader: wait until one member of this run is stopped (state T).
            Poll.until(BOUND, "a member of the check's cluster frozen", () -> OwnClusterRun.processesOf(tmp).stream()
                .filter(p -> p.pid() != poc.pid() && OwnClusterRun.stopped(p.pid())).findFirst());
            ProcessSignals.send(poc.pid(), signal);
            assertThat(poc.waitFor(60, TimeUnit.SECONDS)).as("exited after SIG%s", signal).isTrue();
        } finally {
            poc.destroyForcibly();
        }

        assertThat(poc.exitValue()).as("exit code after SIG%s", signal).isEqualTo(exitCode);
        // Killed, the JVM runs no hook: each member's guard sees its pipe close and kills it, frozen or not.
        Poll.until(Duration.ofSeconds(30), "every member gone", () -> OwnClusterRun.processesOf(tmp).stream()
            .filter(ProcessHandle::isAlive).findAny().isEmpty() ? Optional.of(true) : Optional.empty());
        if (signal.equals("INT")) {
            OwnClusterRun.assertNothingLeft(tmp);
        }
    }
}
