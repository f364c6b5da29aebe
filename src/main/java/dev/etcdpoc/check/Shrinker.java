package dev.etcdpoc.check;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Shrinks a non-linearizable history to a few calls that are not linearizable on their own: a witness.
 * It starts from where the search got stuck (or from calls that conflict at a glance) with what they rest
 * on ({@link Dependencies}), adds the calls nearest in time, doubling, until they show the problem, then
 * drops chunks and single calls (delta debugging) for as long as the rest still shows it.
 *
 * <p>A candidate is checked together with every unanswered call of its keys that could have taken effect
 * before its last answer (the background): such a call may be what explains a read, so a witness whose
 * problem any of them could explain away is never reported. Unanswered calls stay in the witness only
 * when an answer in it rests on them (a read of their value). The result is 1-minimal when the budget
 * allows (no call can go with what rests on it), not necessarily the smallest such set.
 */
final class Shrinker {

    /** @param minimal whether shrinking finished within its budget */
    record Shrunk(List<Operation> ops, boolean minimal) {
    }

    private final Model model;
    private final List<Operation> ops;
    private final Dependencies dependencies;
    private final Deadline budget;

    private Shrinker(Model model, Semantics semantics, List<Operation> ops, Deadline budget) {
        this.model = model;
        this.ops = ops;
        this.dependencies = new Dependencies(ops, semantics);
        this.budget = budget;
    }

    /**
     * @param ops   the history's calls that say something (answered, or writes without an answer), in
     *              invocation order
     * @param seeds some of them where the problem shows: the call the search got stuck at, or calls that
     *              conflict
     */
    static Shrunk shrink(Model model, Semantics semantics, List<Operation> ops, List<Operation> seeds, Deadline budget) {
        return new Shrinker(model, semantics, ops, budget).shrink(seeds);
    }

    private Shrunk shrink(List<Operation> seeds) {
        Map<Operation, Integer> number = new IdentityHashMap<>();
        for (int i = 0; i < ops.size(); i++) {
            number.put(ops.get(i), i);
        }
        BitSet current = new BitSet(ops.size());
        seeds.forEach(op -> current.set(number.get(op)));
        dependencies.close(current);
        if (!violates(current) && !grow(current, seeds)) {
            return new Shrunk(select(current), false);
        }
        int chunk = Math.max(1, current.cardinality() / 2);
        while (true) {
            boolean dropped = false;
            int[] members = current.stream().toArray();
            for (int from = 0; from < members.length; from += chunk) {
                if (budget.passed()) {
                    return new Shrunk(select(current), false);
                }
                BitSet candidate = (BitSet) current.clone();
                for (int i = from; i < Math.min(from + chunk, members.length); i++) {
                    dependencies.remove(candidate, members[i]);
                }
                if (!candidate.isEmpty() && !candidate.equals(current) && violates(candidate)) {
                    current.clear();
                    current.or(candidate);
                    dropped = true;
                }
            }
            if (chunk == 1 && !dropped) {
                return new Shrunk(select(current), true);
            }
            chunk = Math.max(1, chunk / 2);
        }
    }

    /**
     * Adds answered calls to {@code calls}, nearest in time to the seeds first (those of the seeds' keys
     * before others), 1, 2, 4, ... at a time, until they show the problem; false when they never did.
     */
    private boolean grow(BitSet calls, List<Operation> seeds) {
        long from = seeds.stream().mapToLong(Operation::invoked).min().orElse(0);
        long to = seeds.stream().mapToLong(op -> op.outcome() == Operation.Outcome.OK ? op.completed() : op.invoked())
            .max().orElse(0);
        Set<String> keys = new HashSet<>(seeds.stream().map(Operation::key).toList());
        List<Integer> candidates = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
            if (!calls.get(i) && ops.get(i).outcome() == Operation.Outcome.OK) {
                candidates.add(i);
            }
        }
        candidates.sort(Comparator.<Integer>comparingInt(i -> keys.contains(ops.get(i).key()) ? 0 : 1)
            .thenComparingLong(i -> distance(ops.get(i), from, to)));
        int batch = 1;
        for (int next = 0; next < candidates.size(); batch *= 2) {
            if (budget.passed()) {
                return false;
            }
            for (int end = Math.min(candidates.size(), next + batch); next < end; next++) {
                calls.set(candidates.get(next));
            }
            dependencies.close(calls);
            if (violates(calls)) {
                return true;
            }
        }
        return false;
    }

    private static long distance(Operation op, long from, long to) {
        if (op.completed() < from) {
            return from - op.completed();
        }
        return op.invoked() > to ? op.invoked() - to : 0;
    }

    /**
     * Whether {@code calls}, with the unanswered calls of their keys that could precede their last answer,
     * are not linearizable: one of the model's classic shapes proves it at once, else a search decides.
     */
    private boolean violates(BitSet calls) {
        List<Operation> witness = select(calls);
        List<Operation> sub = withBackground(ops, witness);
        List<Operation> around = new ArrayList<>(sub);
        around.removeAll(witness);
        return model.semantics(sub).proof(witness, around).isPresent()
            || Linearizability.decide(model, sub, budget) == Search.Result.NOT_LINEARIZABLE;
    }

    /**
     * {@code witness} and the unanswered calls of {@code ops} on its keys that were sent before its last
     * answer came (later ones can only take effect after every answer in it), in invocation order.
     */
    static List<Operation> withBackground(List<Operation> ops, List<Operation> witness) {
        Set<String> keys = new HashSet<>(witness.stream().map(Operation::key).toList());
        long last = witness.stream().filter(op -> op.outcome() == Operation.Outcome.OK).mapToLong(Operation::completed)
            .max().orElse(Long.MAX_VALUE);
        Set<Operation> in = Collections.newSetFromMap(new IdentityHashMap<>());
        in.addAll(witness);
        List<Operation> sub = new ArrayList<>();
        for (Operation op : ops) {
            if (in.contains(op) || op.outcome() == Operation.Outcome.UNKNOWN && keys.contains(op.key()) && op.invoked() < last) {
                sub.add(op);
            }
        }
        return sub;
    }

    private List<Operation> select(BitSet calls) {
        return calls.stream().mapToObj(ops::get).toList();
    }
}
