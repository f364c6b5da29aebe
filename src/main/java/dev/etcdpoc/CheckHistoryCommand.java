package dev.etcdpoc;

import dev.etcdpoc.check.Model;
import dev.etcdpoc.check.Operation;
import dev.etcdpoc.check.RecordedHistory;
import dev.etcdpoc.check.Verdict;
import dev.etcdpoc.check.history.HistoryFile;
import dev.etcdpoc.check.timeline.Timeline;
import dev.etcdpoc.check.timeline.TimelineReport;
import dev.etcdpoc.connect.OptionValue;
import dev.etcdpoc.connect.OptionsBefore;
import dev.etcdpoc.core.Failures;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code poc check-history FILE}: the checker on a history file, such as one a team's own service recorded. */
@Command(name = "check-history", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
    description = {"Checks a recorded history (JSON lines: one call a line; docs/check.md, History files) for "
        + "linearizability against etcd's semantics or a plain register's, and, for etcd, its watches' guarantees. "
        + "'poc check --history-out FILE' saves one."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:linearizable, and every watch guarantee held",
        "1:not linearizable (a witness and why are printed), undecided, or a watch guarantee broken",
        "2:usage error, or a file that cannot be read or is malformed (its line number and what is wrong)"})
public final class CheckHistoryCommand implements Callable<Integer> {
    /** Per search (a key, or the keys together): beyond it the verdict is undecided, not a wait without end. */
    static final Duration SEARCH_LIMIT = Duration.ofSeconds(60);
    private static final int MALFORMED = 2;

    private final PrintStream out;
    private final PrintStream err;

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The history file.")
    private Path file;

    @Option(names = "--model", paramLabel = "MODEL", defaultValue = "etcd", converter = ModelName.class,
        description = "etcd (answers with revisions; one revision sequence for the whole store) or register (a store "
            + "without revisions, such as Redis: reads answer values, compare-and-set compares values). Default: ${DEFAULT-VALUE}.")
    private Model model;

    @Option(names = "--report", paramLabel = "FILE", converter = CheckOptions.OutputFile.class,
        description = "Also write a timeline of the history as one self-contained HTML page.")
    private Path report;

    CheckHistoryCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() {
        OptionsBefore.refusal(spec, "check-history's", "poc check-history history.jsonl --report report.html")
            .ifPresent(message -> {
                throw new ParameterException(spec.commandLine(), message);
            });
        RecordedHistory history;
        try {
            history = HistoryFile.read(file);
        } catch (HistoryFile.Malformed e) {
            return malformed(file + " " + e.getMessage());
        } catch (IOException e) {
            return malformed("cannot read " + file + ": " + Failures.ofFile(e));
        }
        long start = System.nanoTime();
        Verdict verdict;
        try {
            verdict = Verdict.check(history, model, SEARCH_LIMIT);
        } catch (IllegalArgumentException e) {
            return malformed(file + ": " + e.getMessage());
        }
        long keys = history.operations().stream().map(Operation::key).distinct().count();
        out.println("History: " + file + ": " + count(history.operations().size(), "call") + " on " + count(keys, "key")
            + (history.watches().isEmpty() ? "" : ", " + count(history.watches().size(), "watch"))
            + (history.faults().isEmpty() ? "" : ", " + count(history.faults().size(), "fault")));
        out.println("Checked with the " + model.name() + " model in "
            + String.format(Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1e9) + " s:");
        verdict.lines().forEach(line -> out.println("  " + line));
        out.println("Verdict: " + count(history.operations().size(), "operation") + " on " + count(keys, "key") + ": "
            + verdict.headline());
        if (report != null) {
            try {
                TimelineReport.write(report, List.of(Timeline.of(file.getFileName().toString(), history, verdict)));
            } catch (IOException e) {
                return malformed("cannot write the report to " + report + ": " + Failures.ofFile(e));
            }
            out.println("Timeline report written to " + report);
        }
        return verdict.holds() ? 0 : 1;
    }

    /** "1 key", "8 keys", "3 watches". */
    private static String count(long n, String noun) {
        return n + " " + (n == 1 ? noun : noun.endsWith("h") ? noun + "es" : noun + "s");
    }

    private int malformed(String line) {
        err.println("poc: check-history: " + line);
        return MALFORMED;
    }

    static final class ModelName extends OptionValue<Model> {
        @Override
        protected Model parse(String text) {
            return Model.named(text).orElseThrow(() -> new IllegalArgumentException("'" + text
                + "' is not a model; give etcd or register"));
        }
    }
}
