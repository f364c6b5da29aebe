package dev.etcdpoc.versus;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What the lock workers' own records show:
 *
 * <ul>
 * <li><b>Overlaps</b>: two workers holding the lock at once — two holds of different workers whose
 * intervals (from the answer that granted the lock to the moment the worker stopped counting on it: its
 * release, or its time-to-live run out by its own clock) intersect.</li>
 * <li><b>Writes accepted from a non-holder</b>: a write to the shared record that the store accepted, sent
 * by a worker after another worker had been granted the lock since its own grant: the lock had passed on,
 * and the store took the write all the same. A fence refuses exactly these.</li>
 * </ul>
 */
record LockAnomalies(List<Overlap> overlaps, List<LockLog.Write> nonHolderWrites) {

    /** Two holds of different workers at the same time. */
    record Overlap(LockLog.Hold first, LockLog.Hold second) {
    }

    static LockAnomalies of(List<LockLog.Hold> holds, List<LockLog.Write> writes) {
        List<LockLog.Hold> byGrant = holds.stream().sorted(Comparator.comparingLong(LockLog.Hold::acquired)).toList();
        List<Overlap> overlaps = new ArrayList<>();
        for (int i = 0; i < byGrant.size(); i++) {
            LockLog.Hold hold = byGrant.get(i);
            for (int j = i + 1; j < byGrant.size() && byGrant.get(j).acquired() < hold.until(); j++) {
                if (byGrant.get(j).worker() != hold.worker()) {
                    overlaps.add(new Overlap(hold, byGrant.get(j)));
                }
            }
        }
        List<LockLog.Write> nonHolder = writes.stream()
            .filter(w -> w.outcome() == LockLog.Outcome.ACCEPTED && grantedToAnotherBetween(byGrant, w.worker(), w.holdAcquired(), w.invoked()))
            .toList();
        return new LockAnomalies(List.copyOf(overlaps), nonHolder);
    }

    /** Whether a worker other than {@code worker} was granted the lock after {@code from} and before {@code to}. */
    private static boolean grantedToAnotherBetween(List<LockLog.Hold> byGrant, int worker, long from, long to) {
        return byGrant.stream().anyMatch(h -> h.worker() != worker && h.acquired() > from && h.acquired() < to);
    }
}
