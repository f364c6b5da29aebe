package dev.etcdpoc.versus;

import dev.etcdpoc.check.KeyVerdict;
import dev.etcdpoc.check.LinearizabilityReport;
import java.util.Optional;

/**
 * One system's verdicts from its recording: the checker's (where it has a model for the system) and the
 * anomalies found without it ({@link RegisterAnomalies}, {@link LockAnomalies}).
 */
public record Findings(VersusRun.Recording recording, Optional<LinearizabilityReport> linearizability, RegisterAnomalies registers,
                       LockAnomalies lock) {

    static Findings of(VersusRun.Recording recording) {
        return new Findings(recording, recording.linearizability(),
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

    /** "yes", "NO (2 of 9 keys)", "undecided (...)", or a placeholder where the checker has no model for this system yet. */
    public String linearizable() {
        if (linearizability.isEmpty()) {
            return "pending*";
        }
        LinearizabilityReport report = linearizability.get();
        int bad = report.keys(KeyVerdict.Status.NOT_LINEARIZABLE).size();
        int undecided = report.keys(KeyVerdict.Status.UNDECIDED).size();
        return bad > 0 ? "NO (" + bad + " keys)" : undecided > 0 ? "undecided (" + undecided + " keys)" : "yes";
    }

    /** Nothing found: linearizable (where checked), no write lost, no stale read, no overlap, no write from a non-holder. */
    public boolean clean() {
        return linearizability.map(LinearizabilityReport::linearizable).orElse(true) && anomalies() == 0;
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
            + " accepted from a worker that no longer held the lock"
            + (linearizability.isPresent() ? "; linearizable: " + linearizable() : "");
    }
}
