package dev.etcdpoc.check;

import java.util.ArrayList;
import java.util.List;

/**
 * The linearizability verdict on a whole history: counts of its calls by outcome, one {@link KeyVerdict}
 * per key (sorted by key), and for etcd, whose keys share one revision sequence, a verdict on the keys
 * together when it is not that they are linearizable. The history is linearizable when every key is and
 * the keys are together.
 *
 * @param origin     the first invocation; witness times count from it
 * @param acrossKeys the keys together, when they are not (or it is undecided) though each alone may be; null otherwise
 */
public record LinearizabilityReport(int operations, int ok, int failed, int unknown, long origin,
                                    List<KeyVerdict> keys, KeyVerdict acrossKeys) {

    public LinearizabilityReport {
        keys = List.copyOf(keys);
    }

    public boolean linearizable() {
        return acrossKeys == null && keys.stream().allMatch(k -> k.status() == KeyVerdict.Status.LINEARIZABLE);
    }

    /** Every violation and undecided verdict: the keys', then the one across keys. */
    public List<KeyVerdict> findings() {
        List<KeyVerdict> findings = new ArrayList<>(keys.stream()
            .filter(k -> k.status() != KeyVerdict.Status.LINEARIZABLE).toList());
        if (acrossKeys != null) {
            findings.add(acrossKeys);
        }
        return findings;
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
        if (acrossKeys != null) {
            verdicts.add(acrossKeys.status() == KeyVerdict.Status.UNDECIDED ? "undecided across keys" : "NOT linearizable across keys");
        }
        List<String> lines = new ArrayList<>();
        lines.add(operations + " operations (" + ok + " ok, " + failed + " failed, " + unknown + " unknown) on "
            + keys.size() + (keys.size() == 1 ? " key: " : " keys: ")
            + (verdicts.isEmpty() ? "linearizable" : String.join(", ", verdicts)));
        findings().forEach(k -> lines.addAll(k.lines(origin)));
        return lines;
    }
}
