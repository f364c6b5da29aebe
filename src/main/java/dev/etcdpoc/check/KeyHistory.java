package dev.etcdpoc.check;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One key's calls as the search takes them: in invocation order, without the writes that definitely
 * failed (they did nothing) and the reads without an answer (they tell nothing).
 */
final class KeyHistory {

    private KeyHistory() {
    }

    /** The calls of {@code ops} that say something about the key, in invocation order. */
    static List<Operation> relevant(List<Operation> ops) {
        return ops.stream()
            .filter(op -> op.outcome() == Operation.Outcome.OK
                || op.outcome() == Operation.Outcome.UNKNOWN && !(op.request() instanceof Request.Get))
            .sorted(Comparator.comparingLong(Operation::invoked))
            .toList();
    }

    /**
     * The model for these calls. Values are written once, so a value some read returned has the mod
     * revision that read saw; the earliest such read is taken (another read disagreeing with it cannot be
     * linearized, and shows up as a violation). The reads must be in invocation order.
     */
    static RegisterModel model(List<Operation> ops) {
        return new RegisterModel(observedRevisions(ops));
    }

    /** For each value a read among {@code ops} returned, the mod revision the earliest such read saw. */
    static Map<String, Long> observedRevisions(List<Operation> ops) {
        Map<String, Long> observed = new HashMap<>();
        for (Operation op : ops) {
            if (op.response() instanceof Response.Read read && read.value() != null) {
                observed.putIfAbsent(read.value(), read.modRevision());
            }
        }
        return observed;
    }

    /** Searches {@code ops} (relevant calls, in invocation order) for a linearization. */
    static Search.Outcome search(List<Operation> ops, Deadline deadline) {
        return Search.run(ops, model(ops), deadline);
    }
}
