package dev.etcdpoc.check;

import java.util.ArrayList;
import java.util.List;

/**
 * The linearizability verdict on a whole history: counts of its calls by outcome, and one
 * {@link KeyVerdict} per key (sorted by key). The history is linearizable when every key's is
 * (P-compositionality: each call touches one key).
 *
 * @param origin the first invocation; witness times count from it
 */
public record LinearizabilityReport(int operations, int ok, int failed, int unknown, long origin,
                                    List<KeyVerdict> keys) {

    public LinearizabilityReport {
        keys = List.copyOf(keys);
    }

    public boolean linearizable() {
        return keys.stream().allMatch(k -> k.status() == KeyVerdict.Status.LINEARIZABLE);
    }

    /** The keys with the given status. */
    public List<KeyVerdict> keys(KeyVerdict.Status status) {
        return keys.stream().filter(k -> k.status() == status).toList();
    }

    /** A headline such as "12000 operations (...) on 8 keys: linearizable", then each bad key's lines. */
    public List<String> lines() {
        int bad = keys(KeyVerdict.Status.NOT_LINEARIZABLE).size();
        int undecided = keys(KeyVerdict.Status.UNDECIDED).size();
        List<String> verdicts = new ArrayList<>();
        if (bad > 0) {
            verdicts.add("NOT linearizable (" + bad + " of " + keys.size() + " keys)");
        }
        if (undecided > 0) {
            verdicts.add("undecided on " + undecided + " of " + keys.size() + " keys");
        }
        List<String> lines = new ArrayList<>();
        lines.add(operations + " operations (" + ok + " ok, " + failed + " failed, " + unknown + " unknown) on "
            + keys.size() + (keys.size() == 1 ? " key: " : " keys: ")
            + (verdicts.isEmpty() ? "linearizable" : String.join(", ", verdicts)));
        keys.forEach(k -> lines.addAll(k.lines(origin)));
        return lines;
    }
}
