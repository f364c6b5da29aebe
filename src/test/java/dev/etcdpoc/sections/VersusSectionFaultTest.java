package dev.etcdpoc.sections;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdpoc.core.Poll;
import dev.etcdpoc.local.ProcessSignals;
import dev.etcdpoc.support.OwnClusterRun;
import dev.etcdpoc.support.PocProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The versus section as a user runs it (about 2.5 minutes): etcd clean, every row of the table, each
 * system's settings and faults, nothing left; and stopped (Ctrl-C, or killed) while a Redis server of it is
 * frozen: every process it started gone.
 */
@Tag("fault")
@Tag("redis") // the Redis comparison's long tests run once, on CI's default etcd (leg 1)
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class VersusSectionFaultTest {
    private static final Duration BOUND = Duration.ofMinutes(5);

    @Test
    void etcdIsCleanAndTheTableComparesAllThree(@TempDir Path tmp) throws Exception {
        Path report = Files.createDirectory(tmp.resolve("report")).resolve("versus.html");
        OwnClusterRun run = OwnClusterRun.of(tmp, BOUND, "versus", "--report", report.toString());

        assertThat(run.exitCode()).as("exit code; stdout:%n%s%nstderr:%n%s", run.out(), run.err()).isZero();
        assertThat(run.err()).as("stderr").isEmpty();
        run.line("^etcd 3\\.\\d+\\.\\d+: 3 members \\(m0, m1, m2\\)$");
        run.line("^Redis 7\\.0\\.\\d+: a primary, two replicas, three Sentinels, as configured$");
        run.line("^Redis 7\\.0\\.\\d+: a primary, two replicas, three Sentinels, hardened$");
        run.line("^  heartbeat-interval 100 ms, election-timeout 1000 ms");
        run.line("^  Sentinel: down-after-milliseconds 1000, failover-timeout 10000, quorum 2 of 3 Sentinels$");
        run.line("^  servers: min-replicas-to-write 0 \\(min-replicas-max-lag 10 s\\), appendonly no, appendfsync everysec");
        run.line("^  servers: min-replicas-to-write 1 ");
        assertThat(run.count("^  fault at [\\d.]+ s: ")).as("fault lines: four per system").isEqualTo(12);
        assertThat(run.count("^  fault at [\\d.]+ s: primary r\\d (killed|frozen|cut off).*; r\\d became primary [\\d.]+ s later"))
            .as("Redis primaries replaced by Sentinel").isEqualTo(6);
        assertThat(run.count("^  fault at [\\d.]+ s: leader m\\d .*; m\\d became leader")).as("etcd leaders replaced").isEqualTo(3);

        run.line("^\\s+etcd\\s+Redis\\s+hardened Redis$");
        run.line("^calls\\s+[1-9]\\d*\\s+[1-9]\\d*\\s+[1-9]\\d*$");
        // etcd's history with its revisions, Redis's as registers without them: whatever Redis's verdict, it is one.
        String verdict = "(yes|NO \\(\\d+ keys?\\)|undecided \\(\\d+ keys?\\))";
        run.line("^linearizable \\(the checker\\)\\s+yes\\s+" + verdict + "\\s+" + verdict + "$");
        run.line("^acknowledged writes lost\\s+0\\s+\\d+\\s+\\d+$");
        run.line("^stale reads\\s+0\\s+\\d+\\s+\\d+$");
        run.line("^lock holds\\s+[1-9]\\d*\\s+[1-9]\\d*\\s+[1-9]\\d*$");
        run.line("^two workers holding the lock at once\\s+0\\s+\\d+\\s+\\d+$");
        run.line("^writes accepted from a non-holder\\s+0\\s+\\d+\\s+\\d+$");
        run.line("^etcd: nothing found this run$");
        run.line("^Redis: ");
        run.line("^hardened Redis: ");
        assertThat(run.count("^  checked in [\\d.]+ s \\(the checker's (etcd|register) model\\): linearizable: ")).as("checked lines").isEqualTo(3);
        run.line("^Timeline report written to " + Pattern.quote(report.toString()) + "$");
        // The page's data: each run's title, the takeovers marked, and Redis's first anomaly when it had any.
        String page = Files.readString(report);
        assertThat(page).as("the report page").contains("etcd: etcd 3.", "Redis: Redis 7.0.", "hardened Redis: Redis 7.0.",
            "became leader", "became primary");
        if (!run.line("^Redis: (.*)$").group(1).startsWith("nothing found")) {
            assertThat(page).as("Redis's first anomaly marked").containsPattern("first (acknowledged write lost|stale read|lock overlap|write accepted)");
        }
        OwnClusterRun.assertNothingLeft(tmp);
    }

    @ParameterizedTest(name = "SIG{0}")
    @CsvSource({"INT, 130", "KILL, 137"})
    void stoppedWhileARedisServerIsFrozenItLeavesNothingRunning(String signal, int exitCode, @TempDir Path tmp) throws Exception {
        Process poc = PocProcess.start(List.of("-Djava.io.tmpdir=" + tmp), Map.of(), "versus");
        List<ProcessHandle> started;
        try {
            // Redis's second fault freezes its primary: wait until a redis-server of this run is stopped (state T).
            Poll.until(BOUND, "a redis-server of the run frozen", () -> poc.descendants()
                .filter(p -> p.info().commandLine().orElse("").contains("redis") && OwnClusterRun.stopped(p.pid())).findFirst());
            started = poc.descendants().toList();
            ProcessSignals.send(poc.pid(), signal);
            assertThat(poc.waitFor(60, TimeUnit.SECONDS)).as("exited after SIG%s", signal).isTrue();
        } finally {
            poc.destroyForcibly();
        }

        assertThat(poc.exitValue()).as("exit code after SIG%s", signal).isEqualTo(exitCode);
        assertThat(started).as("servers, Sentinels and their guards while it ran").hasSizeGreaterThanOrEqualTo(12);
        // Killed, the JVM runs no hook: each process's guard sees its pipe close and kills it, frozen or not.
        Poll.until(Duration.ofSeconds(30), "every process it started gone",
            () -> started.stream().noneMatch(ProcessHandle::isAlive) ? Optional.of(true) : Optional.empty());
        if (signal.equals("KILL")) {
            assertThat(dirs(tmp)).as("after SIGKILL no hook ran: its temp dir is still there").hasSize(1);
            // The next run that starts a throwaway etcd or Redis removes what the killed one left.
            Process next = PocProcess.start(List.of("-Djava.io.tmpdir=" + tmp), Map.of(), "--local-cluster", "1", "crud");
            String nextErr = new String(next.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(next.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(next.exitValue()).as("exit code; stderr: %s", nextErr).isZero();
        }
        OwnClusterRun.assertNothingLeft(tmp);
    }

    private static List<Path> dirs(Path tmp) throws IOException {
        try (Stream<Path> entries = Files.list(tmp)) {
            return entries.filter(p -> p.getFileName().toString().startsWith("etcd-poc-")).toList();
        }
    }
}
