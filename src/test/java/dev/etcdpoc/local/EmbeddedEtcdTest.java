package dev.etcdpoc.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdpoc.support.PocOutput;
import dev.etcdpoc.support.PocProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * With no endpoint given and nothing at localhost:2379, the demo starts a throwaway etcd from the
 * etcd binary (ETCD_BINARY, .etcd/bin/etcd, or the PATH), and stops it however the run ends:
 * normally, on SIGTERM (Ctrl-C sends SIGINT, which the JVM handles the same way), on SIGKILL, or
 * when there is no etcd binary at all.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EmbeddedEtcdTest {
    private static final Pattern PID = Pattern.compile("\\(pid (\\d+)\\)");

    @BeforeEach
    void nothingListensOnTheDefaultPort() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("localhost", 2379), 500);
            throw new AssertionError("these tests need localhost:2379 free, and something listens there; stop it first");
        } catch (IOException expected) {
            // nothing there: the demo must fall back to a throwaway etcd
        }
    }

    @Test
    void runsThePocAgainstAThrowawayEtcdAndStopsIt(@TempDir Path tmp) throws Exception {
        // A temp dir of its own: no data dir another run left behind in /tmp can add a line to stderr.
        Process poc = PocProcess.start(List.of("-Djava.io.tmpdir=" + tmp), Map.of());
        String out = new String(poc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(poc.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(poc.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(out).as("stdout").isEqualTo(PocOutput.FULL);
        assertThat(err.lines()).as("one notice on stderr").hasSize(1);
        assertThat(err).as("the notice names the etcd version").containsPattern("throwaway etcd \\d+\\.\\d+\\.\\d+ at http://127\\.0\\.0\\.1:");
        assertThat(poc.exitValue()).isZero();
        assertThat(ProcessHandle.of(etcdPid(err))).as("the throwaway etcd is gone")
            .matches(p -> p.isEmpty() || !p.get().isAlive());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"SIGTERM", "SIGKILL"})
    void endingTheDemoMidRunStillStopsTheThrowawayEtcd(String signal, @TempDir Path tmp) throws Exception {
        Process poc = PocProcess.start(List.of("-Djava.io.tmpdir=" + tmp), Map.of());
        BufferedReader err = new BufferedReader(new InputStreamReader(poc.getErrorStream(), StandardCharsets.UTF_8));
        String notice = err.readLine();
        assertThat(notice).as("the first stderr line announces the throwaway etcd").contains("(pid ");
        long etcd = etcdPid(notice);
        assertThat(dataDirs(tmp)).as("the throwaway etcd's data dir while it runs").hasSize(1);

        // SIGTERM (as Ctrl-C's SIGINT) runs the shutdown hook; SIGKILL runs nothing, and the guard
        // process around etcd sees the JVM's pipe close.
        if (signal.equals("SIGTERM")) {
            ProcessSignals.send(poc.pid(), "TERM");   // not destroy(): it would close the pipes this test still reads
        } else {
            poc.destroyForcibly();
        }
        assertThat(poc.waitFor(60, TimeUnit.SECONDS)).isTrue();

        Optional<ProcessHandle> left = ProcessHandle.of(etcd);
        if (left.isPresent()) {
            assertThat(left.get().onExit().get(30, TimeUnit.SECONDS).isAlive()).as("etcd after the demo died").isFalse();
        }
        if (signal.equals("SIGTERM")) {
            // Ctrl-C's SIGINT runs the same hooks: the run ends at once, with at most one word about it.
            assertThat(poc.exitValue()).as("exit code after SIGTERM").isEqualTo(143);
            assertThat(err.lines().toList()).as("stderr after the notice").allMatch(line -> line.equals("poc: interrupted"));
            assertThat(dataDirs(tmp)).as("data dirs after SIGTERM: the hook deleted it").isEmpty();
            return;
        }
        List<Path> abandoned = dataDirs(tmp);
        assertThat(abandoned).as("after SIGKILL no hook ran: the data dir is still there").hasSize(1);

        // The next run that starts a throwaway etcd removes what the killed one left, and says so.
        Process next = PocProcess.start(List.of("-Djava.io.tmpdir=" + tmp), Map.of());
        String nextErr = new String(next.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(next.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(next.exitValue()).as("exit code; stderr: %s", nextErr).isZero();
        assertThat(nextErr).as("stderr").contains("removed 1 throwaway etcd data dir(s) left by runs that were killed: "
            + abandoned.get(0));
        assertThat(dataDirs(tmp)).as("data dirs after the next run").isEmpty();
    }

    @Test
    void aDataDirWhoseOwnerStillRunsIsNeverRemoved(@TempDir Path tmp) throws Exception {
        Process first = PocProcess.start(List.of("-Djava.io.tmpdir=" + tmp), Map.of(), "--local-cluster", "1", "lease");
        BufferedReader firstErr = new BufferedReader(new InputStreamReader(first.getErrorStream(), StandardCharsets.UTF_8));
        try {
            assertThat(firstErr.readLine()).as("the first run's notice").contains("started a throwaway 1-member etcd");
            List<Path> inUse = dataDirs(tmp);
            assertThat(inUse).hasSize(1);

            // Frozen, the first run stays alive as long as the second needs (a frozen JVM still owns its dir).
            ProcessSignals.send(first.pid(), "STOP");
            Process second = PocProcess.start(List.of("-Djava.io.tmpdir=" + tmp), Map.of(), "--local-cluster", "1", "crud");
            String secondErr = new String(second.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(second.exitValue()).as("exit code; stderr: %s", secondErr).isZero();
            assertThat(secondErr).doesNotContain("removed");
            assertThat(inUse.get(0)).as("the first run's data dir").exists();
        } finally {
            ProcessSignals.send(first.pid(), "CONT");
            first.destroy();
            first.waitFor(60, TimeUnit.SECONDS);
        }
    }


    private static List<Path> dataDirs(Path tmp) throws IOException {
        try (Stream<Path> entries = Files.list(tmp)) {
            return entries.filter(p -> p.getFileName().toString().startsWith("etcd-poc-")).toList();
        }
    }

    @Test
    void withoutAnEtcdBinaryItSaysHowToGetOne() throws Exception {
        // ETCD_BINARY naming nothing: no fall back to the project's .etcd/ or the PATH.
        Process poc = PocProcess.start(Map.of("PATH", "/nonexistent", "ETCD_BINARY", "/nonexistent/etcd"));
        String out = new String(poc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(poc.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(poc.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(poc.exitValue()).isEqualTo(1);
        assertThat(out).isEmpty();
        assertThat(err.lines()).hasSize(1);
        assertThat(err).contains("no etcd binary to start", "scripts/install-etcd.sh", "docker compose up -d", "--endpoints");
    }

    private static long etcdPid(String stderr) {
        Matcher m = PID.matcher(stderr);
        assertThat(m.find()).as("a pid in: %s", stderr).isTrue();
        return Long.parseLong(m.group(1));
    }
}
