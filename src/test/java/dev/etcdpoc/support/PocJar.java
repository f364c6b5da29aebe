package dev.etcdpoc.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The demo as users start it: {@code java -jar target/poc.jar}, the jar {@code mvn package} made, in a process of
 * its own, through its real exit path (the relaunch with the class archive, the end of gRPC's event loops, the
 * JVM's exit). The tests that use it are tagged {@code jar} and run after the jar is built (CI, and
 * {@code mvn surefire:test -Pjar} after {@code mvn package}); a jar older than the compiled classes fails them.
 */
public final class PocJar {
    public static final Path JAR = Path.of("target", "poc.jar");
    private static final Duration LIMIT = Duration.ofSeconds(90);

    private PocJar() {
    }

    /** {@code java JVM_OPTIONS -jar target/poc.jar ARGS} with {@code env} added, run to its end. */
    public static PocRun run(List<String> jvmOptions, Map<String, String> env, String... args) {
        return run(ProcessBuilder.Redirect.PIPE, jvmOptions, env, line -> { }, args);
    }

    /** The same, with {@code onLine} told of each line of stdout as it comes (to act at a point of the run). */
    public static PocRun run(Map<String, String> env, Consumer<String> onLine, String... args) {
        return run(ProcessBuilder.Redirect.PIPE, List.of(), env, onLine, args);
    }

    /** The same, with stdout going to {@code out} (a file, or /dev/full) instead of being read. */
    public static PocRun run(File out, String... args) {
        return run(ProcessBuilder.Redirect.to(out), List.of(), Map.of(), line -> { }, args);
    }

    /** The same, run by {@code prefix} (such as {@code unshare} giving it a mount namespace of its own). */
    public static PocRun runUnder(List<String> prefix, List<String> jvmOptions, Map<String, String> env, String... args) {
        requireFresh();
        long start = System.nanoTime();
        return collect(PocProcess.startUnder(prefix, JAR.toAbsolutePath(), jvmOptions, env, args), start, true, line -> { });
    }

    private static PocRun run(ProcessBuilder.Redirect out, List<String> jvmOptions, Map<String, String> env, Consumer<String> onLine,
                              String... args) {
        long start = System.nanoTime();
        return collect(start(out, jvmOptions, env, args), start, out == ProcessBuilder.Redirect.PIPE, onLine);
    }

    private static PocRun collect(Process poc, long start, boolean readOut, Consumer<String> onLine) {
        try {
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(poc.getErrorStream()));
            String stdout = readOut ? lines(poc.getInputStream(), onLine) : "";
            assertThat(poc.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS)).as("java -jar %s ended within %s", JAR, LIMIT).isTrue();
            return new PocRun(poc.exitValue(), stdout, err.get(10, TimeUnit.SECONDS), Duration.ofNanos(System.nanoTime() - start));
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            poc.descendants().forEach(ProcessHandle::destroyForcibly);
            poc.destroyForcibly();
        }
    }

    /** Starts {@code java JVM_OPTIONS -jar target/poc.jar ARGS}: for a test that signals it, or reads it as it goes. */
    public static Process start(ProcessBuilder.Redirect out, List<String> jvmOptions, Map<String, String> env, String... args) {
        requireFresh();
        return PocProcess.startJar(out, jvmOptions, JAR.toAbsolutePath(), env, args);
    }

    /** The jar exists and holds the classes compiled last: a test of an older jar would test old code. */
    private static void requireFresh() {
        assertThat(JAR).as("%s, made by mvn package (these tests run after it)", JAR).exists();
        FileTime built = lastModified(JAR);
        try (Stream<Path> classes = Files.walk(Path.of("target", "classes"))) {
            List<Path> newer = classes.filter(c -> c.toString().endsWith(".class") && lastModified(c).compareTo(built) > 0).limit(3).toList();
            assertThat(newer).as("classes compiled after %s was made: run mvn package first", JAR).isEmpty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static FileTime lastModified(Path path) {
        try {
            return Files.getLastModifiedTime(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String lines(InputStream stream, Consumer<String> onLine) throws IOException {
        List<String> lines = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lines.add(line);
                onLine.accept(line);
            }
        }
        return lines.isEmpty() ? "" : String.join("\n", lines) + "\n";
    }

    private static String read(InputStream stream) {
        try {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
