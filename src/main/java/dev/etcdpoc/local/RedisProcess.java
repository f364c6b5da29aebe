package dev.etcdpoc.local;

import dev.etcdpoc.core.DemoFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One local Redis process, a server or a Sentinel: its port, its folder with its config file (Redis and
 * Sentinel rewrite it as roles change, so a restart starts from what it last was), its log; started under a
 * guard that kills it with this JVM ({@link GuardedProcess}), killed and waited for by PID.
 */
final class RedisProcess {
    final Path binary;
    final String name;
    final int port;
    final Path dir;
    private final boolean sentinel;
    private GuardedProcess process;
    /** False once killed on purpose, so a dead process is not mistaken for a failed one. */
    private boolean wanted;

    /** Writes {@code config} to {@code dir}/redis.conf; {@link #launch()} starts it. */
    RedisProcess(Path binary, String name, int port, Path dir, boolean sentinel, List<String> config) {
        this.binary = binary;
        this.name = name;
        this.port = port;
        this.dir = dir;
        this.sentinel = sentinel;
        try {
            Files.createDirectories(dir);
            Files.write(config(), config);
        } catch (IOException e) {
            throw new DemoFailure("cannot write " + config() + ": " + e.getMessage(), e);
        }
    }

    private Path config() {
        return dir.resolve("redis.conf");
    }

    Path log() {
        return dir.resolveSibling(name + ".log");
    }

    void launch() {
        List<String> command = new ArrayList<>(List.of(binary.toString(), config().toString()));
        if (sentinel) {
            command.add("--sentinel");
        }
        process = GuardedProcess.start(command, log(), env -> { });
        wanted = true;
    }

    boolean wanted() {
        return wanted;
    }

    boolean isSentinel() {
        return sentinel;
    }

    long pid() {
        return process.pid();
    }

    boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** SIGKILL, then wait until it and its guard are gone. */
    void stop() {
        kill();
        awaitGone();
    }

    /** SIGKILL, not waiting: all of them are killed first, so their exits overlap. */
    void kill() {
        wanted = false;
        if (process != null) {
            process.kill();
        }
    }

    void awaitGone() {
        if (process != null) {
            process.awaitGone();
        }
    }

    String logTail() {
        return GuardedProcess.logTail(log());
    }
}
