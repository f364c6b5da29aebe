package dev.etcdpoc.check;

import java.util.BitSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Shrinks one key's non-linearizable history to a small part that is still not linearizable on its own:
 * first the calls up to where the search got stuck, then greedy delta debugging (drop halves, then
 * quarters, ... then single calls, for as long as the rest stays non-linearizable). A call is dropped
 * together with the calls whose answers rest on it ({@link Dependencies}), so the witness never blames a
 * read for a value whose writer was dropped. Unanswered calls that can always come last stay in the
 * background of every check and out of the witness: the witness stays non-linearizable whichever of them
 * took effect, so none of them could explain it away. The result is 1-minimal when the budget allows (no
 * single call can go), not necessarily the smallest such set.
 */
final class Shrinker {

    /** @param minimal whether shrinking finished within its budget */
    record Shrunk(List<Operation> ops, boolean minimal) {
    }

    private final List<Operation> ops;
    private final Dependencies dependencies;
    private final BitSet background = new BitSet();
    private final Deadline budget;

    private Shrinker(List<Operation> ops, Deadline budget) {
        this.ops = ops;
        this.dependencies = new Dependencies(ops);
        this.budget = budget;
        RegisterModel model = KeyHistory.model(ops);
        for (int i = 0; i < ops.size(); i++) {
            background.set(i, model.deferrable(ops.get(i)));
        }
    }

    /**
     * @param ops     one key's relevant calls, in invocation order, not linearizable
     * @param reached the calls the search reached before it got stuck (a sublist of {@code ops})
     */
    static Shrunk shrink(List<Operation> ops, List<Operation> reached, Deadline budget) {
        return new Shrinker(ops, budget).shrink(reached);
    }

    private Shrunk shrink(List<Operation> reached) {
        BitSet current = start(reached);
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
                if (!candidate.equals(current) && violates(candidate)) {
                    current = candidate;
                    dropped = true;
                }
            }
            if (chunk == 1 && !dropped) {
                return new Shrunk(select(current), true);
            }
            chunk = Math.max(1, chunk / 2);
        }
    }

    /** The reached calls and what they rest on, if that alone shows the problem; else every call. */
    private BitSet start(List<Operation> reached) {
        Map<Operation, Integer> index = new IdentityHashMap<>();
        for (int i = 0; i < ops.size(); i++) {
            index.put(ops.get(i), i);
        }
        BitSet start = new BitSet(ops.size());
        reached.forEach(op -> start.set(index.get(op)));
        dependencies.close(start);
        start.andNot(background);
        if (violates(start)) {
            return start;
        }
        BitSet all = new BitSet(ops.size());
        all.set(0, ops.size());
        all.andNot(background);
        return all;
    }

    private boolean violates(BitSet calls) {
        BitSet checked = (BitSet) calls.clone();
        checked.or(background);
        return KeyHistory.search(select(checked), budget).result() == Search.Result.NOT_LINEARIZABLE;
    }

    private List<Operation> select(BitSet calls) {
        return calls.stream().mapToObj(ops::get).toList();
    }
}
