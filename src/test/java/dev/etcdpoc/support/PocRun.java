package dev.etcdpoc.support;

import dev.etcdpoc.Main;
import dev.etcdpoc.connect.ClientFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** One run of the command, in this JVM, with what it printed and how it exited. */
public record PocRun(int exitCode, String out, String err, Duration elapsed) {

    /** Runs {@code poc args...} with no environment variables (so the developer's ETCD_ENDPOINTS cannot leak in). */
    public static PocRun of(String... args) {
        return withEnv(Map.of(), args);
    }

    public static PocRun withEnv(Map<String, String> env, String... args) {
        return watching(OutputStream.nullOutputStream(), env, args);
    }

    /** As {@link #withEnv}, also handing stdout to {@code watcher} as it is printed, to act at a given line (see {@link PauseAtLine}). */
    public static PocRun watching(OutputStream watcher, Map<String, String> env, String... args) {
        return run(watcher, null, env, args);
    }

    /** As {@link #withEnv}, telling {@code hook} before each etcd request, to act at a given request (see {@link PauseBeforeRequest}). */
    public static PocRun holding(ClientFactory.BeforeRequest hook, Map<String, String> env, String... args) {
        return run(OutputStream.nullOutputStream(), hook, env, args);
    }

    private static PocRun run(OutputStream watcher, ClientFactory.BeforeRequest hook, Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        OutputStream both = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                out.write(b);
                watcher.write(b);
            }
        };
        long start = System.nanoTime();
        int code;
        try (PrintStream o = new PrintStream(both, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = Main.execute(args, env, o, e, hook);
        }
        return new PocRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8),
            Duration.ofNanos(System.nanoTime() - start));
    }

    public List<String> errLines() {
        return err.lines().toList();
    }

    public List<String> outLines() {
        return out.lines().toList();
    }
}
