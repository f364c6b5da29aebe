package dev.etcdpoc.check;

import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The calls the search has placed so far. Deferrable calls ({@link RegisterModel#deferrable}) of one kind
 * (every unseen put, every unanswered delete, every unseen cas from one revision) do the same thing
 * wherever they are placed and have no deadline, so for them it matters how many of a kind are placed,
 * not which: {@link #placedOfKind()} counts them.
 */
final class Placement {

    /** What a deferrable call does, whichever it is. */
    private record Kind(Class<? extends Request> request, long expectedModRevision) {
    }

    private final BitSet required = new BitSet();
    private final int[] kindOf;
    private final int[] placedOfKind;
    private final long[] ceilings;
    private final NavigableMap<Long, Integer> unplacedCeilings = new TreeMap<>();
    private int unplacedRequired;

    Placement(List<Operation> ops, RegisterModel model) {
        kindOf = new int[ops.size()];
        ceilings = new long[ops.size()];
        Map<Kind, Integer> kinds = new HashMap<>();
        for (int op = 0; op < ops.size(); op++) {
            Operation call = ops.get(op);
            if (model.deferrable(call)) {
                long expected = call.request() instanceof Request.Cas cas ? cas.expectedModRevision() : 0;
                kindOf[op] = kinds.computeIfAbsent(new Kind(call.request().getClass(), expected), k -> kinds.size());
            } else {
                kindOf[op] = -1;
                ceilings[op] = model.ceiling(call);
                unplacedCeilings.merge(ceilings[op], 1, Integer::sum);
                unplacedRequired++;
            }
        }
        placedOfKind = new int[kinds.size()];
    }

    boolean deferrable(int op) {
        return kindOf[op] >= 0;
    }

    /** Whether every call that must be placed is. */
    boolean complete() {
        return unplacedRequired == 0;
    }

    void place(int op) {
        if (deferrable(op)) {
            placedOfKind[kindOf[op]]++;
        } else {
            required.set(op);
            unplacedRequired--;
            unplacedCeilings.merge(ceilings[op], -1, (a, b) -> a + b == 0 ? null : a + b);
        }
    }

    void unplace(int op) {
        if (deferrable(op)) {
            placedOfKind[kindOf[op]]--;
        } else {
            required.clear(op);
            unplacedRequired++;
            unplacedCeilings.merge(ceilings[op], 1, Integer::sum);
        }
    }

    /**
     * The highest floor at which every call still to be placed can be: a state above it is a dead end
     * (floors only grow), known without exploring it.
     */
    long ceiling() {
        return unplacedCeilings.isEmpty() ? Long.MAX_VALUE : unplacedCeilings.firstKey();
    }

    /** A copy of the set of placed calls that must be placed. */
    BitSet placedRequired() {
        return (BitSet) required.clone();
    }

    /** A copy of how many deferrable calls of each kind are placed. */
    int[] placedOfKind() {
        return placedOfKind.clone();
    }
}
