package dev.etcdpoc.support;

import static org.assertj.core.api.Assertions.assertThat;

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
        public PocRun fresh(List<String> jvmOptions, Map<String, String> env, String... args) {
            long start = System.nanoTime();
            Process poc = PocProcess.start(jvmOptions, env, args);
            try {
                CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(poc.getErrorStream()));
                String out = read(poc.getInputStream());
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
    };

    /** Runs {@code poc args...} with no environment variables (so the developer's ETCD_ENDPOINTS cannot leak in). */
    public PocRun run(String... args) {
        return run(Map.of(), args);
    }

    public abstract PocRun run(Map<String, String> env, String... args);

    /** The command in a JVM of its own, started with {@code jvmOptions} (the jar's is always its own). */
    public abstract PocRun fresh(List<String> jvmOptions, Map<String, String> env, String... args);

    private static String read(InputStream stream) {
        try {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
