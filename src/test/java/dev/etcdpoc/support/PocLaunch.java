package dev.etcdpoc.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * How a test starts the demo: in the test's JVM (a fresh JVM where JVM options or a cold start matter), or as users
 * start it, {@code java -jar target/poc.jar} ({@link PocJar}). A case written once runs both ways.
 */
public enum PocLaunch {
    IN_TEST_JVM {
        @Override
        public PocRun run(Map<String, String> env, String... args) {
            return PocRun.withEnv(env, args);
        }

        @Override
        public PocRun actingAt(String line, Runnable action, String... args) {
            PauseAtLine point = new PauseAtLine(line);
            CompletableFuture<PocRun> running = CompletableFuture.supplyAsync(() -> PocRun.watching(point, Map.of(), args));
            try {
                assertThat(point.awaitReached(Duration.ofSeconds(60))).as("the run printed: %s", line).isTrue();
                action.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            } finally {
                point.resume();
            }
            return running.join();
        }

        @Override
        public PocRun intoFile(File out, String... args) {
            Process poc = PocProcess.start(ProcessBuilder.Redirect.to(out), List.of(), Map.of(), args);
            return ended(poc, System.nanoTime(), false);
        }

        @Override
        public PocRun under(List<String> prefix, List<String> jvmOptions, Map<String, String> env, String... args) {
            long start = System.nanoTime();
            return ended(PocProcess.startUnder(prefix, null, jvmOptions, env, args), start, true);
        }

        @Override
        public PocRun fresh(List<String> jvmOptions, Map<String, String> env, String... args) {
            long start = System.nanoTime();
            Process poc = PocProcess.start(jvmOptions, env, args);
            return ended(poc, start, true);
        }

        /** The run of {@code poc}, once it ended, with its stdout if {@code readOut} (else it went elsewhere). */
        private PocRun ended(Process poc, long start, boolean readOut) {
            try {
                CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(poc.getErrorStream()));
                String out = readOut ? read(poc.getInputStream()) : "";
                assertThat(poc.waitFor(60, TimeUnit.SECONDS)).as("the run ended").isTrue();
                return new PocRun(poc.exitValue(), out, err.get(10, TimeUnit.SECONDS), Duration.ofNanos(System.nanoTime() - start));
            } catch (Exception e) {
                throw new AssertionError(e);
            } finally {
                poc.destroyForcibly();
            }
        }
    },
    JAR {
        @Override
        public PocRun run(Map<String, String> env, String... args) {
            return PocJar.run(List.of(), env, args);
        }

        @Override
        public PocRun fresh(List<String> jvmOptions, Map<String, String> env, String... args) {
            return PocJar.run(jvmOptions, env, args);
        }

        @Override
        public PocRun actingAt(String line, Runnable action, String... args) {
            return PocJar.run(Map.of(), printed -> {
                if (printed.equals(line)) {
                    action.run();
                }
            }, args);
        }

        @Override
        public PocRun intoFile(File out, String... args) {
            return PocJar.run(out, args);
        }

        @Override
        public PocRun under(List<String> prefix, List<String> jvmOptions, Map<String, String> env, String... args) {
            return PocJar.runUnder(prefix, jvmOptions, env, args);
        }
    };

    /** Runs {@code poc args...} with no environment variables (so the developer's ETCD_ENDPOINTS cannot leak in). */
    public PocRun run(String... args) {
        return run(Map.of(), args);
    }

    public abstract PocRun run(Map<String, String> env, String... args);

    /** The command in a JVM of its own, started with {@code jvmOptions} (the jar's is always its own). */
    public abstract PocRun fresh(List<String> jvmOptions, Map<String, String> env, String... args);

    /**
     * Runs the command and does {@code action} once it printed {@code line}: in the test's JVM while the run waits at
     * that line; the jar goes on meanwhile, so the line must be one after which the run waits a while by itself.
     */
    public abstract PocRun actingAt(String line, Runnable action, String... args);

    /** The command in a process of its own whose stdout is {@code out} (/dev/full, say). */
    public abstract PocRun intoFile(File out, String... args);

    /** The command in a JVM of its own, run by {@code prefix}: {@code unshare ...} for a mount namespace of its own, say. */
    public abstract PocRun under(List<String> prefix, List<String> jvmOptions, Map<String, String> env, String... args);

    private static String read(InputStream stream) {
        try {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
