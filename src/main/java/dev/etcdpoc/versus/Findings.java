package dev.etcdpoc.versus;

import dev.etcdpoc.check.KeyVerdict;
import dev.etcdpoc.check.Linearizability;
import dev.etcdpoc.check.LinearizabilityReport;
import dev.etcdpoc.checkrun.CheckRun;

/**
 * One system's verdicts from its recording: the checker's, with the model of that system (etcd's revisions, or a
 * register without them), and the anomalies found without it ({@link RegisterAnomalies}, {@link LockAnomalies}).
 */
public record Findings(VersusRun.Recording recording, LinearizabilityReport linearizability, RegisterAnomalies registers,
                       LockAnomalies lock) {

    static Findings of(VersusRun.Recording recording) {
        return new Findings(recording,
            Linearizability.check(recording.operations(), recording.model(), CheckRun.SEARCH_LIMIT, Linearizability.WITNESS_BUDGET),
            RegisterAnomalies.of(recording.calls(), recording.finalReads()),
            LockAnomalies.of(recording.holds(), recording.lockWrites()));
    }

    public String label() {
        return recording.label();
    }

    /** The calls the clients made (the final reads not counted). */
    public long calls() {
        return recording.calls().stream().filter(c -> c.client() != VersusRun.FINAL_READER).count();
    }

    /** "yes", "NO (2 keys)", "undecided (1 key)". */
    public String linearizable() {
        int bad = linearizability.keys(KeyVerdict.Status.NOT_LINEARIZABLE).size();
        int undecided = linearizability.keys(KeyVerdict.Status.UNDECIDED).size();
        return bad > 0 ? "NO (" + count(bad, "key") + ")" : undecided > 0 ? "undecided (" + count(undecided, "key") + ")" : "yes";
    }

    /** Nothing found: linearizable, no write lost, no stale read, no overlap, no write from a non-holder. */
    public boolean clean() {
        return linearizability.linearizable() && anomalies() == 0;
    }

    /** How many anomalies of every kind the checks here found. */
    public int anomalies() {
        return lost() + stale() + overlaps() + nonHolderWrites();
    }

    public int lost() {
        return registers.lost().size();
    }

    public int stale() {
        return registers.stale().size();
    }

    public int overlaps() {
        return lock.overlaps().size();
    }

    public int nonHolderWrites() {
        return lock.nonHolderWrites().size();
    }

    private static String count(int n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }

    /** The verdict in one line: each anomaly counted, or plainly that there was none. */
    public String summary() {
        if (anomalies() == 0) {
            return label() + ": " + (clean() ? "nothing found" : "no anomaly found here, but the checker said " + linearizable())
                + " this run";
        }
        return label() + ": " + count(lost(), "acknowledged write") + " lost, " + count(stale(), "stale read") + ", "
            + count(overlaps(), "lock overlap") + " (two workers holding it at once), " + count(nonHolderWrites(), "write")
            + " accepted from a worker that no longer held the lock; linearizable: " + linearizable();
    }
}
