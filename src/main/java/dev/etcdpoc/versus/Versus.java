package dev.etcdpoc.versus;

import dev.etcdpoc.connect.ClientFactory;
import dev.etcdpoc.core.DemoFailure;
import dev.etcdpoc.local.LocalEtcd;
import dev.etcdpoc.local.LocalRedis;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The three runs side by side — etcd, Redis as configured, Redis hardened — each on systems of its own,
 * under the same clients and faults; then one table of what each showed, and the verdict.
 */
public final class Versus {
    private Versus() {
    }

    /** Fails, naming what to install, unless there is an etcd binary and a redis-server to start. */
    public static void requireBinaries() {
        if (!LocalEtcd.binaryAvailable()) {
            throw new DemoFailure(LocalEtcd.NO_BINARY);
        }
        if (!LocalRedis.binaryAvailable()) {
            throw new DemoFailure(LocalRedis.NO_BINARY);
        }
    }

    /**
     * Runs all three, prints each run and then the table to {@code out}; returns the findings, etcd's first.
     *
     * @param clients how to build etcd clients (deadlines)
     */
    public static List<Findings> run(ClientFactory clients, PrintStream out) throws InterruptedException {
        requireBinaries();
        int connections = VersusRun.CLIENTS + VersusRun.WORKERS + 2;
        List<Supplier<Contender>> systems = List.of(() -> new EtcdContender(clients), () -> new RedisContender(false, connections),
            () -> new RedisContender(true, connections));
        List<Findings> findings = new ArrayList<>();
        for (Supplier<Contender> system : systems) {
            out.println();
            try (Contender contender = system.get()) {
                VersusRun.Recording recording = VersusRun.record(contender, out::println);
                long checking = System.nanoTime();
                Findings found = Findings.of(recording);
                out.println("  checked in " + VersusRun.seconds(System.nanoTime() - checking) + " s (the checker's " + recording.model()
                    + " model): linearizable: " + found.linearizable());
                findings.add(found);
            }
        }
        out.println();
        table(findings).forEach(out::println);
        return findings;
    }

    /** One page with each run's timeline: its calls, faults, takeover, first anomaly and the checker's witnesses. */
    public static void writeReport(Path file, List<Findings> findings) throws IOException {
        VersusReport.write(file, findings);
    }

    /** One column per system, one row per verdict. */
    static List<String> table(List<Findings> findings) {
        List<String> lines = new ArrayList<>();
        lines.add(row("", findings, Findings::label));
        lines.add(row("calls", findings, f -> String.valueOf(f.calls())));
        lines.add(row("linearizable (the checker)", findings, Findings::linearizable));
        lines.add(row("acknowledged writes lost", findings, f -> String.valueOf(f.lost())));
        lines.add(row("stale reads", findings, f -> String.valueOf(f.stale())));
        lines.add(row("lock holds", findings, f -> String.valueOf(f.recording().holds().size())));
        lines.add(row("two workers holding the lock at once", findings, f -> String.valueOf(f.overlaps())));
        lines.add(row("writes accepted from a non-holder", findings, f -> String.valueOf(f.nonHolderWrites())));
        return lines;
    }

    private static String row(String name, List<Findings> findings, Function<Findings, String> cell) {
        StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-38s", name));
        findings.forEach(f -> row.append(String.format(Locale.ROOT, "%16s", cell.apply(f))));
        return row.toString().stripTrailing();
    }
}
