package dev.etcdpoc.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A run of a section that starts a cluster of its own (failover, check), as a separate JVM with a temp
 * dir of its own, so that what it leaves there, and the etcd processes it started, can be told apart
 * from other runs'.
 */
public record OwnClusterRun(int exitCode, String out, String err) {

    /** Runs {@code poc args...} with {@code tmp} as its temp dir, to its end within {@code bound}. */
    public static OwnClusterRun of(Path tmp, Duration bound, String... args) throws InterruptedException {
        Process poc = PocProcess.start(List.of("-Djava.io.tmpdir=" + tmp), Map.of(), args);
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(poc.getErrorStream()));
        String out = read(poc.getInputStream());
        assertThat(poc.waitFor(bound.toSeconds(), TimeUnit.SECONDS)).as("the run ended within %s", bound).isTrue();
        return new OwnClusterRun(poc.exitValue(), out, err.join());
    }

    /** The first line of stdout that matches {@code regex}, for its groups. */
    public Matcher line(String regex) {
        Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(out);
        assertThat(m.find()).as("a line matching %s in:%n%s", regex, out).isTrue();
        return m;
    }

    /** How many lines of stdout match {@code regex}. */
    public long count(String regex) {
        Pattern p = Pattern.compile(regex);
        return out.lines().filter(l -> p.matcher(l).find()).count();
    }

    /** Neither an etcd data dir in {@code tmp} nor a process started with it in its arguments is left. */
    public static void assertNothingLeft(Path tmp) throws IOException {
        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left.filter(p -> p.getFileName().toString().startsWith("etcd-poc-")))
                .as("etcd data dirs left behind").isEmpty();
        }
        assertThat(processesOf(tmp)).as("etcd processes left behind").isEmpty();
    }

    /** The processes with {@code tmp} in their arguments: the etcd members (and their guards) of a run using it. */
    public static List<ProcessHandle> processesOf(Path tmp) {
        return ProcessHandle.allProcesses()
            .filter(p -> p.info().arguments().map(a -> String.join(" ", a).contains(tmp.toString())).orElse(false))
            .toList();
    }

    /** Whether the process is stopped by a signal: state T in /proc/PID/stat (after the command name in parentheses). */
    public static boolean stopped(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"), StandardCharsets.US_ASCII);
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("T");
        } catch (IOException | RuntimeException gone) {
            return false;
        }
    }

    private static String read(InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
