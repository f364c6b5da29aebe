package dev.etcdpoc.check;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Everything checked about one recorded run: its calls' linearizability, key by key (and for etcd across
 * keys), and its watches' guarantees. {@link #lines()} says it in a few lines, with a witness for each
 * violation; {@link #headline()} in one.
 */
public record Verdict(LinearizabilityReport linearizability, WatchReport watches) {

    /** Checks a history that had no watches. */
    public static Verdict check(List<Operation> history) {
        return check(history, List.of(), List.of());
    }

    /**
     * Checks {@code history} ({@link Linearizability#check(List)}) and {@code watches} against the
     * {@code written} events ({@link WatchGuarantees#check}).
     */
    public static Verdict check(List<Operation> history, List<WatchEvent> written, List<RecordedWatch> watches) {
        return new Verdict(Linearizability.check(history), WatchGuarantees.check(written, watches));
    }

    /**
     * Checks a recorded run against {@code model}: its calls, and for etcd its watches against the writes —
     * the recorded ones, and those of unanswered writes placed where a watch delivered them
     * ({@link WatchEvent#writtenBy(List, List)}).
     *
     * @param searchLimit per search, how long before the verdict is undecided; null for no limit
     * @throws IllegalArgumentException when the model cannot check the history, in one line
     */
    public static Verdict check(RecordedHistory run, Model model, Duration searchLimit) {
        if (!run.watches().isEmpty() && model != Model.ETCD) {
            throw new IllegalArgumentException("watches are checked against etcd's revisions: use the etcd model, or leave "
                + "the watch lines out");
        }
        LinearizabilityReport calls = Linearizability.check(run.operations(), model, searchLimit, Linearizability.WITNESS_BUDGET);
        List<WatchEvent> written = run.watches().isEmpty() ? List.of() : WatchEvent.writtenBy(run.operations(), run.watches());
        return new Verdict(calls, WatchGuarantees.check(written, run.watches()));
    }

    /** Whether every key was linearizable and every watch guarantee held. */
    public boolean holds() {
        return linearizability.linearizable() && watches.holds();
    }

    /** The linearizability lines, then the watches' (none when there were no watches). */
    public List<String> lines() {
        List<String> lines = new ArrayList<>(linearizability.lines());
        if (watches.watches() > 0) {
            lines.addAll(watches.lines());
        }
        return lines;
    }

    /**
     * The verdict in a few words: "linearizable; 3 watches, 12949 events: ordered, unique, atomic, reliable,
     * resumable, accurate", or "NOT linearizable (1 of 8 keys); ..." (the watches' part only when there were
     * watches).
     */
    public String headline() {
        String calls = calls(linearizability);
        if (watches.watches() == 0) {
            return calls;
        }
        List<String> held = new ArrayList<>();
        List<String> broken = new ArrayList<>();
        for (WatchReport.Property property : WatchReport.Property.values()) {
            String word = property.name().toLowerCase(Locale.ROOT);
            if (watches.held(property)) {
                held.add(word);
            } else {
                broken.add("NOT " + word);
            }
        }
        held.addAll(broken);
        return calls + "; " + watches.watches() + " watches, " + watches.events() + " events: " + String.join(", ", held);
    }

    private static String calls(LinearizabilityReport report) {
        int keys = report.keys().size();
        int bad = report.keys(KeyVerdict.Status.NOT_LINEARIZABLE).size();
        int undecided = report.keys(KeyVerdict.Status.UNDECIDED).size();
        KeyVerdict across = report.acrossKeys();
        if (bad > 0) {
            return "NOT linearizable (" + bad + " of " + keys + " keys)";
        }
        if (across != null && across.status() == KeyVerdict.Status.NOT_LINEARIZABLE) {
            return "NOT linearizable across keys";
        }
        if (undecided > 0) {
            return "undecided (" + undecided + " of " + keys + " keys)";
        }
        return across != null ? "undecided across keys" : "linearizable";
    }
}
