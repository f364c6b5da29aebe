package dev.etcdpoc;

import static dev.etcdpoc.support.Assertions.assertOneLineFailure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdpoc.support.PocProcess;
import dev.etcdpoc.support.PocRun;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code poc check-history FILE}: the checker on a file of calls, with either model; exit 0 when the history
 * is linearizable, 1 when not (with its witness), 2 for a usage error or a file it cannot read, in one line.
 * A history saved by a real {@code check} run, and that run's planted stale read, are in
 * {@code PlantedViolationTest}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CheckHistoryCommandTest {
    private static final Duration QUICK = Duration.ofSeconds(10);
    private static final String PUT_A = "{\"client\":1,\"invoked\":0,\"completed\":1000000,\"op\":\"put\",\"key\":\"k\","
        + "\"value\":\"a\",\"outcome\":\"ok\",\"revision\":2}";
    private static final String PUT_B = "{\"client\":2,\"invoked\":2000000,\"completed\":3000000,\"op\":\"put\",\"key\":\"k\","
        + "\"value\":\"b\",\"outcome\":\"ok\",\"revision\":3}";

    private static Path file(Path tmp, String... lines) throws Exception {
        Path file = tmp.resolve("history.jsonl");
        Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        return file;
    }

    @Test
    void aLinearizableHistoryExitsZero(@TempDir Path tmp) throws Exception {
        Path file = file(tmp, PUT_A, PUT_B, "{\"client\":3,\"invoked\":4000000,\"completed\":5000000,\"op\":\"get\","
            + "\"key\":\"k\",\"outcome\":\"ok\",\"found\":\"b\",\"mod_revision\":3,\"revision\":3}");

        PocRun run = PocRun.of("check-history", file.toString());

        assertThat(run.exitCode()).as("exit code; %s %s", run.out(), run.err()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.outLines()).first().isEqualTo("History: " + file + ": 3 calls on 1 key");
        assertThat(run.outLines()).contains("  3 operations (3 ok, 0 failed, 0 unknown) on 1 key: linearizable",
            "Verdict: 3 operations on 1 key: linearizable");
    }

    @Test
    void aStaleReadExitsOneWithItsWitness(@TempDir Path tmp) throws Exception {
        Path file = file(tmp, PUT_A, PUT_B, "{\"client\":3,\"invoked\":4000000,\"completed\":5000000,\"op\":\"get\","
            + "\"key\":\"k\",\"outcome\":\"ok\",\"found\":\"a\",\"mod_revision\":2,\"revision\":3}");
        Path report = tmp.resolve("report.html");

        PocRun run = PocRun.of("check-history", file.toString(), "--report", report.toString());

        assertThat(run.exitCode()).as("exit code; %s %s", run.out(), run.err()).isEqualTo(1);
        assertThat(run.outLines()).contains(
            "  key k: NOT linearizable; smallest history that shows it (3 operations):",
            "      client 3 [4.0 .. 5.0 ms] get(k) -> a@rev2 (rev 3)",
            "      why: get returned a@rev2 but the latest write completed before it was b@rev3 (a stale read, or that write was lost)",
            "Verdict: 3 operations on 1 key: NOT linearizable (1 of 1 keys)",
            "Timeline report written to " + report);
        assertThat(Files.readString(report)).contains("\"why\":\"get returned a@rev2");
    }

    @Test
    void aRegisterHistoryIsCheckedByValue(@TempDir Path tmp) throws Exception {
        Path file = file(tmp,
            "{\"client\":1,\"invoked\":0,\"completed\":10,\"op\":\"put\",\"key\":\"x\",\"value\":\"1\",\"outcome\":\"ok\"}",
            "{\"client\":2,\"invoked\":20,\"completed\":30,\"op\":\"cas\",\"key\":\"x\",\"expect_value\":\"1\",\"value\":\"2\","
                + "\"outcome\":\"ok\",\"succeeded\":true}",
            "{\"client\":1,\"invoked\":40,\"completed\":50,\"op\":\"put\",\"key\":\"x\",\"value\":\"1\",\"outcome\":\"ok\"}",
            "{\"client\":3,\"invoked\":60,\"completed\":70,\"op\":\"get\",\"key\":\"x\",\"outcome\":\"ok\",\"found\":\"1\"}");

        PocRun register = PocRun.of("check-history", "--model", "register", file.toString());
        PocRun etcd = PocRun.of("check-history", file.toString());

        assertThat(register.exitCode()).as("%s %s", register.out(), register.err()).isZero();
        assertThat(register.outLines()).contains("Checked with the register model in " + register.outLines().get(1)
            .replaceAll(".* in ", ""), "Verdict: 4 operations on 1 key: linearizable");
        assertOneLineFailure(etcd, 2, QUICK, "poc: check-history: " + file + ": the etcd model cannot check put(x, 1) -> ok "
            + "carries no revision; etcd's answers do (use the register model for answers without revisions)");
    }

    @Test
    void aMalformedLineIsNamedInOneLineWithExitTwo(@TempDir Path tmp) throws Exception {
        Path file = file(tmp, PUT_A, "{\"client\":2,\"invoked\":2,\"completed\":3,\"key\":\"k\",\"outcome\":\"ok\"}");

        assertOneLineFailure(PocRun.of("check-history", file.toString()), 2, QUICK,
            "poc: check-history: " + file + " line 2: 'op' is missing");
        // The same through a JVM of its own, to the real exit.
        Process poc = PocProcess.start(Map.of(), "check-history", file.toString());
        String err = new String(poc.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(poc.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(poc.exitValue()).isEqualTo(2);
        assertThat(err).isEqualTo("poc: check-history: " + file + " line 2: 'op' is missing\n");
    }

    @Test
    void usageErrors(@TempDir Path tmp) throws Exception {
        Path file = file(tmp, PUT_A);
        assertOneLineFailure(PocRun.of("check-history", tmp.resolve("none.jsonl").toString()), 2, QUICK,
            "poc: check-history: cannot read " + tmp.resolve("none.jsonl") + ": it does not exist");
        assertOneLineFailure(PocRun.of("check-history", "--model", "redis", file.toString()), 2, QUICK,
            "Invalid value for option '--model': 'redis' is not a model; give etcd or register");
        assertOneLineFailure(PocRun.of("check-history"), 2, QUICK, "Missing required parameter: 'FILE'");
        assertOneLineFailure(PocRun.of("check-history", file.toString(), "--report", tmp.resolve("no/such/r.html").toString()),
            2, QUICK, "which is not a folder that exists");
        assertOneLineFailure(PocRun.of("--report", "r.html", "check-history", file.toString()), 2, QUICK,
            "--report before 'check-history' would be the demo's, not check-history's: write it after 'check-history'");
    }
}
