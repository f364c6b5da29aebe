package dev.etcdpoc.check;

import java.util.Comparator;
import java.util.List;

/**
 * Of some answered etcd calls, the one with the highest header revision that completed before a given
 * time: a call sent then is served at a revision at least as high (a change, above it).
 */
final class CompletedBefore {
    private final long[] completions;
    private final Operation[] highest;

    CompletedBefore(List<Operation> answered) {
        List<Operation> byCompletion = answered.stream().sorted(Comparator.comparingLong(Operation::completed)).toList();
        completions = new long[byCompletion.size()];
        highest = new Operation[byCompletion.size()];
        for (int i = 0; i < byCompletion.size(); i++) {
            Operation op = byCompletion.get(i);
            completions[i] = op.completed();
            highest[i] = i > 0 && highest[i - 1].headerRevision() >= op.headerRevision() ? highest[i - 1] : op;
        }
    }

    Operation highestBefore(long time) {
        int lo = 0;
        int hi = completions.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (completions[mid] < time) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo == 0 ? null : highest[lo - 1];
    }
}
