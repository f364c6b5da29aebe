package dev.etcdpoc.check;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Checks a recorded history of puts, gets, deletes and cas against etcd's semantics: is there one order
 * of the calls, each at a point between its invocation and its completion, in which every answer is the
 * one etcd would give? Each call touches one key, so each key is checked alone (in parallel).
 *
 * <p>Keys start absent (record a setup write as a call if one was made). Writes that definitely failed
 * are left out, as are reads without an answer; a call without an answer may have taken effect at any
 * time after its invocation, or never. Each value may be written by at most one call (not counting calls
 * that definitely failed or whose compare failed): that is how a read identifies the write it saw.
 */
public final class Linearizability {

    /** How long a violation's witness is shrunk, per key, unless told otherwise. */
    public static final Duration WITNESS_BUDGET = Duration.ofSeconds(2);

    private Linearizability() {
    }

    /** Checks {@code history} with no time limit on the search and {@link #WITNESS_BUDGET} for witnesses. */
    public static LinearizabilityReport check(List<Operation> history) {
        return check(history, null, WITNESS_BUDGET);
    }

    /**
     * @param searchLimit   per key, how long the search may run before the key is
     *                      {@link KeyVerdict.Status#UNDECIDED}; null for no limit
     * @param witnessBudget per key, how long a witness is shrunk before it is reported as it is
     * @throws IllegalArgumentException when a value is written by two calls
     */
    public static LinearizabilityReport check(List<Operation> history, Duration searchLimit, Duration witnessBudget) {
        requireUniqueValues(history);
        Map<String, List<Operation>> byKey = history.stream()
            .collect(Collectors.groupingBy(Operation::key, TreeMap::new, Collectors.toList()));
        List<KeyVerdict> keys = byKey.entrySet().parallelStream()
            .map(e -> checkKey(e.getKey(), e.getValue(), searchLimit, witnessBudget))
            .toList();
        long origin = history.stream().mapToLong(Operation::invoked).min().orElse(0);
        return new LinearizabilityReport(history.size(), count(history, Operation.Outcome.OK),
            count(history, Operation.Outcome.FAILED), count(history, Operation.Outcome.UNKNOWN), origin, keys);
    }

    private static KeyVerdict checkKey(String key, List<Operation> all, Duration searchLimit, Duration witnessBudget) {
        List<Operation> ops = KeyHistory.relevant(all);
        Search.Outcome outcome = KeyHistory.search(ops, Deadline.after(searchLimit));
        return switch (outcome.result()) {
            case LINEARIZABLE -> KeyVerdict.of(key, all.size(), KeyVerdict.Status.LINEARIZABLE);
            case TIMED_OUT -> KeyVerdict.of(key, all.size(), KeyVerdict.Status.UNDECIDED);
            case NOT_LINEARIZABLE -> {
                Shrinker.Shrunk witness = Shrinker.shrink(ops, outcome.reached(), Deadline.after(witnessBudget));
                yield new KeyVerdict(key, all.size(), KeyVerdict.Status.NOT_LINEARIZABLE, witness.ops(),
                    witness.minimal(), Explanation.of(witness.ops(), all));
            }
        };
    }

    private static void requireUniqueValues(List<Operation> history) {
        Map<String, Operation> writers = new HashMap<>();
        for (Operation op : history) {
            String value = op.writtenValue();
            Operation other = value == null ? null : writers.putIfAbsent(value, op);
            if (other != null) {
                throw new IllegalArgumentException("value " + value + " is written twice (" + other.request().text()
                    + " by client " + other.client() + " and " + op.request().text() + " by client " + op.client()
                    + "); the checker needs each value written by at most one call");
            }
        }
    }

    private static int count(List<Operation> history, Operation.Outcome outcome) {
        return (int) history.stream().filter(op -> op.outcome() == outcome).count();
    }
}
