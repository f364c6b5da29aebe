package dev.etcdpoc.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The command as a separate JVM, for what only a real process shows: exit, signals, child processes. */
public final class PocProcess {
    private PocProcess() {
    }

    /** Starts {@code java dev.etcdpoc.Main args...} with this JVM's classpath, ETCD_* variables but ETCD_BINARY removed, and {@code env} added. */
    public static Process start(Map<String, String> env, String... args) {
        return start(List.of(), env, args);
    }

    /** The same, with options for the JVM, such as {@code -Djava.io.tmpdir=...}. */
    public static Process start(List<String> jvmOptions, Map<String, String> env, String... args) {
        return start(ProcessBuilder.Redirect.PIPE, jvmOptions, env, args);
    }

    /** The same, with stdout going to {@code out} (a file, say) instead of a pipe. */
    public static Process start(ProcessBuilder.Redirect out, List<String> jvmOptions, Map<String, String> env, String... args) {
        return start(out, jvmOptions, classpathAnd("dev.etcdpoc.Main"), env, args);
    }

    /** Another main class than the command's, such as a test's probe around it, as {@link #start(Map, String...)} starts the command. */
    public static Process startClass(Class<?> mainClass, Map<String, String> env, String... args) {
        return start(ProcessBuilder.Redirect.PIPE, List.of(), classpathAnd(mainClass.getName()), env, args);
    }

    /** {@code java -jar JAR args...}, nothing else between java and -jar, as a user starts the demo. */
    public static Process startJar(Path jar, Map<String, String> env, String... args) {
        return startJar(ProcessBuilder.Redirect.PIPE, List.of(), jar, env, args);
    }

    /** {@code java JVM_OPTIONS -jar JAR args...}, stdout going to {@code out}. */
    public static Process startJar(ProcessBuilder.Redirect out, List<String> jvmOptions, Path jar, Map<String, String> env, String... args) {
        return start(List.of(), out, jvmOptions, List.of("-jar", jar.toString()), env, args);
    }

    /**
     * {@code PREFIX java JVM_OPTIONS [-jar JAR | -cp ... Main] args...}: the command run by another, such as
     * {@code unshare} giving it a mount namespace of its own.
     */
    public static Process startUnder(List<String> prefix, Path jar, List<String> jvmOptions, Map<String, String> env, String... args) {
        return start(prefix, ProcessBuilder.Redirect.PIPE, jvmOptions, jar != null ? List.of("-jar", jar.toString())
            : classpathAnd("dev.etcdpoc.Main"), env, args);
    }

    private static List<String> classpathAnd(String mainClass) {
        return List.of("-cp", System.getProperty("java.class.path"), mainClass);
    }

    /** Runs {@code java JVM_OPTIONS WHAT args...}, WHAT being a classpath and main class or a jar. */
    private static Process start(ProcessBuilder.Redirect out, List<String> jvmOptions, List<String> what, Map<String, String> env,
                                 String... args) {
        return start(List.of(), out, jvmOptions, what, env, args);
    }

    private static Process start(List<String> prefix, ProcessBuilder.Redirect out, List<String> jvmOptions, List<String> what,
                                 Map<String, String> env, String... args) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // As from a terminal: a suite started in the background (CI's nohup, '&') hands its children an
        // ignored SIGINT, which the JVM then keeps ignoring; GNU env puts Ctrl-C's default back.
        List<String> command = Stream.of(prefix.stream(), Stream.of("env", "--default-signal=INT,TERM", java), jvmOptions.stream(),
                what.stream(), Stream.of(args))
            .flatMap(s -> s).collect(Collectors.toList());
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().keySet().removeIf(k -> k.startsWith("ETCD_") && !k.equals("ETCD_BINARY"));
        // The etcd under test (-Detcd.binary) is the demo's too.
        String binary = System.getProperty("etcd.binary");
        if (binary != null && !binary.isBlank()) {
            pb.environment().put("ETCD_BINARY", binary);
        }
        pb.environment().putAll(env);
        pb.redirectOutput(out);
        try {
            return pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
