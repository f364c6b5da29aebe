package dev.etcdpoc.local;

import dev.etcdpoc.core.DemoFailure;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A server process (an etcd member, a Redis server or Sentinel) started under a small sh guard that
 * kills it when this JVM dies in any way, even by SIGKILL, when no shutdown hook runs: the guard reads
 * its stdin, a pipe from this JVM, which the kernel closes when the JVM exits. The guard also reaps the
 * server, so a killed one does not linger as a zombie. It prints the server's pid first. The server's
 * stdout and stderr go to its log file.
 */
final class GuardedProcess {
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final String GUARD = "log=$1; shift; exec 3<&0; \"$@\" >>\"$log\" 2>&1 & pid=$!; echo $pid; "
        + "( read _ <&3; kill -9 $pid ) & guard=$!; wait $pid; kill $guard 2>/dev/null";

    private final Process guard;
    private final ProcessHandle server;
    private final Path log;

    private GuardedProcess(Process guard, ProcessHandle server, Path log) {
        this.guard = guard;
        this.server = server;
        this.log = log;
    }

    /**
     * Starts {@code command} under the guard, its output appended to {@code log}.
     *
     * @param environment changes to the environment the server inherits (the guard's own)
     * @throws DemoFailure naming the binary and the log's last line when it cannot be started
     */
    static GuardedProcess start(List<String> command, Path log, Consumer<Map<String, String>> environment) {
        List<String> guarded = new ArrayList<>(List.of("sh", "-c", GUARD, "guard", log.toString()));
        guarded.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(guarded);
        environment.accept(pb.environment());
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        try {
            Process guard = pb.start();
            String pid = new BufferedReader(new InputStreamReader(guard.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            if (pid == null) {
                throw new IOException("the sh guard did not start it");
            }
            ProcessHandle server = ProcessHandle.of(Long.parseLong(pid.trim())).orElseThrow(() -> new IOException("it exited at once"));
            return new GuardedProcess(guard, server, log);
        } catch (IOException | NumberFormatException e) {
            throw new DemoFailure("cannot start " + command.get(0) + ": " + e.getMessage() + logTail(log), e);
        }
    }

    long pid() {
        return server.pid();
    }

    boolean isAlive() {
        return server.isAlive();
    }

    /** SIGKILL, not waiting: a cluster kills every process first, so their exits overlap. */
    void kill() {
        server.destroyForcibly();
    }

    /**
     * Waits for the guard, this JVM's child: it reaps the server and then exits, so once it is gone the
     * server is too. Not {@code server.onExit()}: for a process that is not its child the JDK polls, the
     * first time after 300 ms, which every run that started a server paid on its way out.
     */
    void awaitGone() {
        try {
            // nothing ignores SIGKILL: the timeout only bounds the wait
            guard.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** "; its last log line: ..." from {@code log}, or "" when it is empty or unreadable. */
    static String logTail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return lines.isEmpty() ? "" : "; its last log line: " + lines.get(lines.size() - 1);
        } catch (IOException e) {
            return "";
        }
    }
}
