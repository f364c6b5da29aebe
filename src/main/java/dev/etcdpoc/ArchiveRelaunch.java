package dev.etcdpoc;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A plain {@code java -jar target/poc.jar} starts the demo again as scripts/poc starts it: with the class
 * archive that {@code mvn package} made for this JDK and the demo's JVM flags, which a jar cannot give the
 * JVM that opens it. Without the archive the JVM loads, verifies and links some 2 600 classes one by
 * one, about half a second of the default run; the second start costs about 50 ms (docs/startup.md).
 *
 * <p>Only where the choice is ours: nothing between {@code java} and {@code -jar}, and no JVM options in
 * the environment (whoever gives one keeps the JVM they asked for); not for {@code check}, {@code versus} and
 * {@code check-history}, which run long and check thousands of calls, nor for {@code bench}, which
 * measures the JVM it is given; and only with an archive newer than the jar, made by this very JDK
 * (another JDK would skip it, quietly, and leave only the cost of a second start).
 * scripts/train-startup.sh writes, next to each archive it makes, {@code ARCHIVE.launch}: the
 * {@code java.home} of the JDK that made it, the archive, and the JVM options to start the demo with.
 */
final class ArchiveRelaunch {
    /** The archives train-startup.sh makes: before JDK 24 a class-data-sharing archive, from 24 on an ahead-of-time cache. */
    private static final List<String> ARCHIVES = List.of(".jsa", ".aot");
    private static final List<String> OPTION_VARIABLES = List.of("JDK_JAVA_OPTIONS", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS");
    /**
     * Runs of seconds to minutes that check thousands of calls: the start the archive saves is nothing to them, and
     * the demo's flags (C1 only, a small serial heap) made versus's check of a 27 000-call Redis history slow.
     */
    private static final Set<String> LONG_RUNS = Set.of("check", "versus", "check-history");
    private static final String CMDLINE = "/proc/self/cmdline";
    private static final String JAVA_HOME = "java.home=";
    private static final String ARCHIVE = "archive=";
    /**
     * How long a launcher that is stopped (Ctrl-C, SIGTERM) waits for the demo it started to finish its own stop:
     * revoking its leases, stopping a throwaway etcd. It passes SIGTERM on; Ctrl-C reaches both from the terminal.
     */
    private static final Duration STOPPING = Duration.ofSeconds(30);

    private ArchiveRelaunch() {
    }

    /** Runs the demo in a JVM started with its archive, if {@link #command} gives one: its exit code; else empty. */
    static OptionalInt runIfArchived() {
        Optional<List<String>> jvmArguments = jvmArguments();
        if (jvmArguments.isEmpty()) {
            return OptionalInt.empty();
        }
        Optional<List<String>> command = command(jvmArguments.get(), System.getenv(), Path.of(System.getProperty("java.home")));
        if (command.isEmpty()) {
            return OptionalInt.empty();
        }
        Process demo;
        try {
            demo = new ProcessBuilder(command.get()).inheritIO().start();
        } catch (IOException e) {
            return OptionalInt.empty();   // the run goes on in this JVM, only slower to start
        }
        StopHook stop = new StopHook(demo);
        Runtime.getRuntime().addShutdownHook(stop);
        int exitCode = waitFor(demo);
        if (stop.started) {
            // This JVM is being stopped (Ctrl-C, SIGTERM), and the demo ended because the hook passed the stop
            // on: the JVM's own shutdown ends it, with the signal's exit code. Exiting here with the demo's
            // could win that race (143 for a Ctrl-C, whose code is 130).
            while (true) {
                LockSupport.park();
            }
        }
        return OptionalInt.of(exitCode);
    }

    /**
     * This JVM's command line after {@code java}, from Linux's {@code /proc/self/cmdline}; empty where there is
     * none. Every run asks it first, so it is read directly: {@code ProcessHandle.current().info()} gives the
     * same, but its set-up cost some 9 ms of every start here.
     */
    private static Optional<List<String>> jvmArguments() {
        byte[] cmdline;
        try (InputStream in = new FileInputStream(CMDLINE)) {
            cmdline = in.readAllBytes();
        } catch (IOException e) {
            return Optional.empty();
        }
        // Decoded as the JVM decodes the arguments it hands to main.
        Charset encoding = Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
        List<String> arguments = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < cmdline.length; i++) {
            if (cmdline[i] == 0) {   // each argument ends with a NUL
                arguments.add(new String(cmdline, start, i - start, encoding));
                start = i + 1;
            }
        }
        if (start < cmdline.length) {
            arguments.add(new String(cmdline, start, cmdline.length - start, encoding));
        }
        return arguments.isEmpty() ? Optional.empty() : Optional.of(arguments.subList(1, arguments.size()));
    }

    private static int waitFor(Process demo) {
        while (true) {
            try {
                return demo.waitFor();
            } catch (InterruptedException e) {
                // Nobody interrupts main; the demo's exit is what ends this wait.
            }
        }
    }

    /**
     * The command that runs {@code java JVM_ARGUMENTS} (as this process was started) again with the archive made
     * for the JDK at {@code javaHome}, when that is {@code java -jar JAR ARGS...} with nothing else and the jar
     * has such an archive; else empty.
     */
    static Optional<List<String>> command(List<String> jvmArguments, Map<String, String> env, Path javaHome) {
        if (jvmArguments.size() < 2 || !jvmArguments.get(0).equals("-jar")) {
            return Optional.empty();
        }
        for (String variable : OPTION_VARIABLES) {
            if (env.containsKey(variable)) {
                return Optional.empty();
            }
        }
        List<String> args = jvmArguments.subList(2, jvmArguments.size());
        if (!args.isEmpty() && args.get(0).equals("bench") || args.stream().anyMatch(LONG_RUNS::contains)) {
            return Optional.empty();
        }
        Path jar = Path.of(jvmArguments.get(1));
        String name = jar.getFileName().toString();
        String base = name.endsWith(".jar") ? name.substring(0, name.length() - ".jar".length()) : name;
        for (String kind : ARCHIVES) {
            Optional<List<String>> options = optionsFor(jar, jar.resolveSibling(base.concat(kind).concat(".launch")), javaHome);
            if (options.isPresent()) {
                List<String> command = new ArrayList<>();
                command.add(javaHome.resolve("bin").resolve("java").toString());
                command.addAll(options.get());
                command.addAll(jvmArguments);
                return Optional.of(command);
            }
        }
        return Optional.empty();
    }

    /** The JVM options that {@code launch} gives, if it is for the JDK at {@code javaHome} and its archive is newer than {@code jar}. */
    private static Optional<List<String>> optionsFor(Path jar, Path launch, Path javaHome) {
        try {
            if (!Files.isRegularFile(launch)) {
                return Optional.empty();
            }
            List<String> lines = Files.readAllLines(launch);
            List<String> options = new ArrayList<>();
            Path madeBy = null;
            Path archive = null;
            for (String line : lines) {
                if (line.startsWith(JAVA_HOME)) {
                    madeBy = Path.of(line.substring(JAVA_HOME.length()));
                } else if (line.startsWith(ARCHIVE)) {
                    archive = jar.resolveSibling(line.substring(ARCHIVE.length()));
                } else if (line.startsWith("-")) {
                    options.add(line);
                }
            }
            // Options there must be: a demo JVM started with none would be a plain java -jar too, and start another.
            boolean usable = !options.isEmpty() && madeBy != null && archive != null && Files.isRegularFile(archive)
                && Files.isDirectory(madeBy) && madeBy.toRealPath().equals(javaHome.toRealPath())
                && Files.getLastModifiedTime(archive).compareTo(Files.getLastModifiedTime(jar)) > 0;
            return usable ? Optional.of(options) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();   // an unreadable or odd launch file: start as a plain java would
        }
    }

    /**
     * This JVM is stopping: pass SIGTERM on to the demo, and give it time to finish its own stop. A class, not a
     * lambda, and no string concatenation with + in this file: each would have the launcher's JVM spin classes
     * at run time (invokedynamic), for nothing the demo needs.
     */
    private static final class StopHook extends Thread {
        private final Process demo;
        private volatile boolean started;

        StopHook(Process demo) {
            super("poc-relaunch-stop");
            this.demo = demo;
        }

        @Override
        public void run() {
            started = true;
            if (!demo.isAlive()) {
                return;
            }
            demo.destroy();
            try {
                demo.waitFor(STOPPING.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
