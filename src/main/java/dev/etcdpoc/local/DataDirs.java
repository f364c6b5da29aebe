package dev.etcdpoc.local;

import dev.etcdpoc.core.DemoFailure;
import dev.etcdpoc.core.Failures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The throwaway data dirs: each {@code etcd-poc-*} in the temp dir holds an {@code owner} file naming the
 * JVM that made it (pid and start time), so that a later start can delete the dirs of runs killed too hard
 * for their shutdown hook (SIGKILL, the OOM killer) — never one whose owner still runs.
 */
final class DataDirs {
    private static final String PREFIX = "etcd-poc-";
    private static final String OWNER = "owner";

    private DataDirs() {
    }

    /** A new data dir in the temp dir, owned by this JVM. */
    static Path create() {
        try {
            Path root = Files.createTempDirectory(PREFIX);
            ProcessHandle self = ProcessHandle.current();
            Files.writeString(root.resolve(OWNER), self.pid() + " " + startMillis(self).orElse(0L));
            return root;
        } catch (IOException e) {
            throw new DemoFailure("cannot create a data dir for the throwaway etcd in the temp dir '"
                + System.getProperty("java.io.tmpdir") + "': " + Failures.ofFile(e) + ". Give Java a writable temp dir "
                + "(java -Djava.io.tmpdir=DIR -jar poc.jar), or point --endpoints (or ETCD_ENDPOINTS) at a running etcd.", e);
        }
    }

    /**
     * Deletes the data dirs whose owning JVM is gone (its pid dead, or alive with another start time: a
     * reused pid), not one without an owner file yet (being made right now); returns them.
     */
    static List<Path> removeLeftovers() {
        List<Path> removed = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            for (Path dir : (Iterable<Path>) dirs.filter(d -> d.getFileName().toString().startsWith(PREFIX))::iterator) {
                if (ownerGone(dir.resolve(OWNER))) {
                    delete(dir);
                    removed.add(dir);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // a temp dir we cannot list has nothing of ours to clean
        }
        return removed;
    }

    /** Best effort: a temp dir left behind is harmless, a failed stop is not. */
    static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // left for the next start to try again
        }
    }

    private static boolean ownerGone(Path ownerFile) {
        String[] owner;
        try {
            owner = Files.readString(ownerFile).trim().split(" ");
        } catch (IOException e) {
            return false;
        }
        try {
            long pid = Long.parseLong(owner[0]);
            long started = Long.parseLong(owner[1]);
            Optional<ProcessHandle> process = ProcessHandle.of(pid);
            return process.isEmpty() || started != 0 && startMillis(process.get()).map(s -> s != started).orElse(false);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static Optional<Long> startMillis(ProcessHandle process) {
        return process.info().startInstant().map(Instant::toEpochMilli);
    }

}
