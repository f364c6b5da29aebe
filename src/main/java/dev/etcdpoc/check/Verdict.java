package dev.etcdpoc.check;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything checked about one recorded run: its calls' linearizability, key by key, and its watches'
 * guarantees. {@link #lines()} says it in a few lines, with a witness for each violation.
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
}
