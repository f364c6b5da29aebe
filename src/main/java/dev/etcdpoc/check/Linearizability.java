package dev.etcdpoc.check;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Checks a recorded history against a {@link Model}: is there one order of the calls, each at an instant
 * between its invocation and its completion, in which every answer is the one the store would give?
 * The entry point for any history:
 *
 * <pre>{@code
 * LinearizabilityReport report = Linearizability.check(history, Model.REGISTER);
 * report.linearizable();   // the verdict
 * report.lines();          // a headline, then each violation's witness and why
 * }</pre>
 *
 * <p>Keys start absent (record a setup write as a call if one was made). Calls that definitely failed
 * are left out, as are reads without an answer; a call without an answer may have taken effect at any
 * time after its invocation, or never.
 *
 * <p>How: each key is searched alone, in parallel (Wing and Gong's search, {@link Search}). For a plain
 * register that settles it (a call touches one key: P-compositionality). etcd's keys share one revision
 * sequence, so for etcd the answers' revisions are first compared across keys without a search
 * ({@link Semantics#conflicts()}, which yields two-call witnesses), each key's search also holds each
 * unanswered write above what had completed before it on any key, and when every key passes and some
 * write went unanswered, all keys are searched together: the verdict is exact either way.
 */
public final class Linearizability {

    /** How long a violation's witness is shrunk, per violation, unless told otherwise. */
    public static final Duration WITNESS_BUDGET = Duration.ofSeconds(2);

    private Linearizability() {
    }

    /** Checks {@code history} against etcd's semantics ({@link #check(List, Model)}). */
    public static LinearizabilityReport check(List<Operation> history) {
        return check(history, Model.ETCD);
    }

    /** Checks {@code history} with no time limit on the search and {@link #WITNESS_BUDGET} for witnesses. */
    public static LinearizabilityReport check(List<Operation> history, Model model) {
        return check(history, model, null, WITNESS_BUDGET);
    }

    /** Checks {@code history} against etcd's semantics ({@link #check(List, Model, Duration, Duration)}). */
    public static LinearizabilityReport check(List<Operation> history, Duration searchLimit, Duration witnessBudget) {
        return check(history, Model.ETCD, searchLimit, witnessBudget);
    }

    /**
     * @param searchLimit   per search (one per key, and one across keys), how long it may run before the
     *                      verdict is {@link KeyVerdict.Status#UNDECIDED}; null for no limit
     * @param witnessBudget per violation, how long its witness is shrunk before it is reported as it is
     * @throws IllegalArgumentException when the model cannot check the history (another store's answers,
     *                                  a value written twice for etcd), in one line
     */
    public static LinearizabilityReport check(List<Operation> history, Model model, Duration searchLimit,
                                              Duration witnessBudget) {
        Semantics semantics = apply(model, history);
        List<Operation> relevant = relevant(history);
        Map<String, List<Operation>> byKey = history.stream()
            .collect(Collectors.groupingBy(Operation::key, TreeMap::new, Collectors.toList()));
        Map<String, KeyVerdict> seen = new LinkedHashMap<>();
        KeyVerdict across = null;
        for (List<Operation> conflict : semantics.conflicts()) {
            Set<String> keys = keys(conflict);
            if (keys.size() == 1) {
                String key = keys.iterator().next();
                seen.computeIfAbsent(key, k -> violation(k, byKey.get(k).size(), false, model, semantics, relevant,
                    conflict, witnessBudget));
            } else if (across == null) {
                across = violation(String.join(", ", keys), history.size(), true, model, semantics, relevant, conflict,
                    witnessBudget);
            }
        }
        Map<String, List<Call>> deferred = new ConcurrentHashMap<>();
        Map<String, List<Operation>> relevantByKey = relevant.stream().collect(Collectors.groupingBy(Operation::key));
        List<KeyVerdict> keys = byKey.entrySet().parallelStream()
            .map(e -> seen.containsKey(e.getKey()) ? seen.get(e.getKey())
                : checkKey(e.getKey(), e.getValue().size(), relevantByKey.getOrDefault(e.getKey(), List.of()), model, semantics,
                    relevant, searchLimit, witnessBudget, deferred))
            .toList();
        boolean keysPass = keys.stream().allMatch(k -> k.status() == KeyVerdict.Status.LINEARIZABLE);
        if (across == null && keysPass && semantics.keysInteract()) {
            across = checkAcross(history.size(), model, semantics, relevant, deferred, searchLimit, witnessBudget);
        }
        long origin = history.stream().mapToLong(Operation::invoked).min().orElse(0);
        return new LinearizabilityReport(history.size(), count(history, Operation.Outcome.OK),
            count(history, Operation.Outcome.FAILED), count(history, Operation.Outcome.UNKNOWN), origin, keys, across);
    }

    /** The calls the search takes: those with an answer, and those without one that may have written. */
    static boolean relevant(Operation op) {
        return op.outcome() == Operation.Outcome.OK
            || op.outcome() == Operation.Outcome.UNKNOWN && !(op.request() instanceof Request.Get);
    }

    private static List<Operation> relevant(List<Operation> history) {
        return history.stream().filter(Linearizability::relevant).sorted(Comparator.comparingLong(Operation::invoked))
            .toList();
    }

    /**
     * Whether {@code history} is linearizable, searched as a whole, with no witness: what the shrinker asks
     * of each candidate.
     */
    static Search.Result decide(Model model, List<Operation> history, Deadline deadline) {
        List<Call> calls = Call.of(relevant(history));
        return Search.run(calls, apply(model, history).rules(calls), deadline).result();
    }

    private static Semantics apply(Model model, List<Operation> history) {
        for (Operation op : history) {
            model.refusal(op).ifPresent(why -> {
                throw new IllegalArgumentException("the " + model.name() + " model cannot check " + why);
            });
        }
        return model.semantics(history);
    }

    private static KeyVerdict checkKey(String key, int operations, List<Operation> keyOps, Model model, Semantics semantics,
                                       List<Operation> relevant, Duration searchLimit, Duration witnessBudget,
                                       Map<String, List<Call>> deferred) {
        // A transaction's operations on other keys are left out: each key alone asks less than all together.
        List<Call> calls = keyOps.stream().map(Call::of).toList();
        Search.Outcome outcome = Search.run(calls, semantics.rules(calls), Deadline.after(searchLimit));
        if (!outcome.deferred().isEmpty()) {
            deferred.put(key, outcome.deferred());
        }
        return switch (outcome.result()) {
            case LINEARIZABLE -> KeyVerdict.of(key, operations, KeyVerdict.Status.LINEARIZABLE);
            case TIMED_OUT -> KeyVerdict.of(key, operations, KeyVerdict.Status.UNDECIDED);
            // Keys that share nothing (a register's) are shrunk among their own calls: a history of a thousand
            // keys with a violation each would otherwise shrink each among all the others' calls.
            case NOT_LINEARIZABLE -> violation(key, operations, false, model, semantics, semantics.keysInteract() ? relevant : keyOps,
                outcome.stuck().ops(), witnessBudget);
        };
    }

    /**
     * The keys together, where some key needed an unanswered write that no read saw (a deferrable call).
     * Where none did, every call's revision is known (from its answer, or a read of its value) and the keys'
     * orders merge by revision. Where some did, only those keys are searched together, with the keys of
     * the transactions placed: every other key's revisions are known, and an unanswered write's revision
     * is already chosen above what completed before it on any key and apart from every known one. Where
     * that is one key, its own search settled it.
     */
    private static KeyVerdict checkAcross(int operations, Model model, Semantics semantics, List<Operation> relevant,
                                          Map<String, List<Call>> deferred, Duration searchLimit, Duration witnessBudget) {
        Map<Long, Set<String>> transactionKeys = new HashMap<>();
        relevant.stream().filter(op -> op.txn() != 0)
            .forEach(op -> transactionKeys.computeIfAbsent(op.txn(), t -> new HashSet<>()).add(op.key()));
        Set<String> together = new HashSet<>(deferred.keySet());
        deferred.values().forEach(calls -> calls.forEach(call -> together.addAll(transactionKeys.getOrDefault(call.first().txn(),
            Set.of()))));
        Deadline deadline = Deadline.after(searchLimit);
        while (together.size() > 1) {
            List<Call> calls = Call.of(relevant.stream().filter(op -> together.contains(op.key())).toList());
            Search.Outcome outcome = Search.run(calls, semantics.rules(calls), deadline);
            if (outcome.result() == Search.Result.TIMED_OUT) {
                return KeyVerdict.across("", operations, KeyVerdict.Status.UNDECIDED, List.of(), true, "");
            }
            if (outcome.result() == Search.Result.NOT_LINEARIZABLE) {
                return violation(null, operations, true, model, semantics, relevant, outcome.stuck().ops(), witnessBudget);
            }
            // A transaction placed here reaches keys outside: those join, and the search is made again.
            int before = together.size();
            outcome.deferred().forEach(call -> together.addAll(transactionKeys.getOrDefault(call.first().txn(), Set.of())));
            if (together.size() == before) {
                break;
            }
        }
        return null;
    }

    private static KeyVerdict violation(String scope, int operations, boolean acrossKeys, Model model, Semantics semantics,
                                        List<Operation> relevant, List<Operation> seeds, Duration witnessBudget) {
        Shrinker.Shrunk witness = Shrinker.shrink(model, semantics, relevant, seeds, Deadline.after(witnessBudget));
        List<Operation> around = new ArrayList<>(Shrinker.withBackground(relevant, witness.ops()));
        around.removeAll(witness.ops());
        String reason = semantics.proof(witness.ops(), around).orElse("no order of these calls gives every one of them "
            + "the answer it got" + (keys(witness.ops()).size() > 1 && semantics.keysInteract()
                ? ", with one revision sequence for the whole store" : ""));
        if (acrossKeys) {
            String keys = scope != null ? scope : String.join(", ", keys(witness.ops()));
            return KeyVerdict.across(keys, operations, KeyVerdict.Status.NOT_LINEARIZABLE, witness.ops(), witness.minimal(),
                reason);
        }
        return new KeyVerdict(scope, operations, KeyVerdict.Status.NOT_LINEARIZABLE, witness.ops(), witness.minimal(), reason);
    }

    private static Set<String> keys(List<Operation> ops) {
        return ops.stream().map(Operation::key).collect(Collectors.toCollection(TreeSet::new));
    }

    private static int count(List<Operation> history, Operation.Outcome outcome) {
        return (int) history.stream().filter(op -> op.outcome() == outcome).count();
    }
}
