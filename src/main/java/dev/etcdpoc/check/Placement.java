package dev.etcdpoc.check;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The calls the search has placed so far. Calls that must be placed are known by number. Deferrable calls
 * ({@link Rules#deferrable}) of one kind do the same thing wherever they are placed, so they are placed in
 * the order they were invoked (the earliest can go wherever a later one can), and how many of a kind are
 * placed says which.
 */
final class Placement {

    /**
     * Which calls that must be placed are: all those numbered below {@code below}, and {@code above}.
     * The search places them roughly in order, so this stays small where a bit set of thousands would not.
     */
    record Placed(int below, int[] above) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Placed p && p.below == below && Arrays.equals(p.above, above);
        }

        @Override
        public int hashCode() {
            return 31 * below + Arrays.hashCode(above);
        }
    }

    /** How many deferrable calls of each kind are placed, for the kinds with any: pairs (kind, count), by kind. */
    record Counts(int[] pairs) {
        static final Counts NONE = new Counts(new int[0]);

        /** Whether no kind has more placed here than in {@code other}. */
        boolean atMost(Counts other) {
            int j = 0;
            for (int i = 0; i < pairs.length; i += 2) {
                while (j < other.pairs.length && other.pairs[j] < pairs[i]) {
                    j += 2;
                }
                if (j >= other.pairs.length || other.pairs[j] != pairs[i] || other.pairs[j + 1] < pairs[i + 1]) {
                    return false;
                }
            }
            return true;
        }
    }

    private final int[] requiredNumber;
    private final int[] kindOf;
    private final long[] ceilings;
    private final List<int[]> kindMembers = new ArrayList<>();
    private final int[] placedOfKind;
    private final BitSet required = new BitSet();
    private final NavigableMap<Long, Integer> unplacedCeilings = new TreeMap<>();
    private final BitSet kindsPlaced = new BitSet();
    private int firstUnplaced;
    private int unplacedRequired;

    /** @param calls the search's calls, in invocation order */
    Placement(List<Call> calls, Rules<?> rules) {
        requiredNumber = new int[calls.size()];
        kindOf = new int[calls.size()];
        ceilings = new long[calls.size()];
        Map<Object, Integer> kinds = new HashMap<>();
        List<List<Integer>> members = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            Call call = calls.get(i);
            if (rules.deferrable(call)) {
                requiredNumber[i] = -1;
                kindOf[i] = kinds.computeIfAbsent(rules.kind(call), k -> {
                    members.add(new ArrayList<>());
                    return members.size() - 1;
                });
                members.get(kindOf[i]).add(i);
            } else {
                kindOf[i] = -1;
                requiredNumber[i] = unplacedRequired++;
                ceilings[i] = rules.ceiling(call);
                unplacedCeilings.merge(ceilings[i], 1, Integer::sum);
            }
        }
        for (List<Integer> kind : members) {
            kindMembers.add(kind.stream().mapToInt(Integer::intValue).toArray());
        }
        placedOfKind = new int[members.size()];
    }

    boolean deferrable(int call) {
        return kindOf[call] >= 0;
    }

    /** Whether {@code call} may be placed next among its kind: it must be placed, or it is its kind's next. */
    boolean inTurn(int call) {
        int kind = kindOf[call];
        return kind < 0 || placedOfKind[kind] < kindMembers.get(kind).length && kindMembers.get(kind)[placedOfKind[kind]] == call;
    }

    /** Whether every call that must be placed is. */
    boolean complete() {
        return unplacedRequired == 0;
    }

    void place(int call) {
        int kind = kindOf[call];
        if (kind >= 0) {
            if (placedOfKind[kind]++ == 0) {
                kindsPlaced.set(kind);
            }
            return;
        }
        int number = requiredNumber[call];
        required.set(number);
        unplacedRequired--;
        unplacedCeilings.merge(ceilings[call], -1, (a, b) -> a + b == 0 ? null : a + b);
        if (number == firstUnplaced) {
            firstUnplaced = required.nextClearBit(number);
        }
    }

    void unplace(int call) {
        int kind = kindOf[call];
        if (kind >= 0) {
            if (--placedOfKind[kind] == 0) {
                kindsPlaced.clear(kind);
            }
            return;
        }
        int number = requiredNumber[call];
        required.clear(number);
        unplacedRequired++;
        unplacedCeilings.merge(ceilings[call], 1, Integer::sum);
        firstUnplaced = Math.min(firstUnplaced, number);
    }

    /**
     * The highest level at which every call still to be placed can be: a state above it is a dead end
     * (levels only grow), known without exploring it.
     */
    long ceiling() {
        return unplacedCeilings.isEmpty() ? Long.MAX_VALUE : unplacedCeilings.firstKey();
    }

    /** Which calls that must be placed are, as a value. */
    Placed placed() {
        return new Placed(firstUnplaced, required.get(firstUnplaced, Math.max(firstUnplaced, required.length()))
            .stream().map(i -> i + firstUnplaced).toArray());
    }

    /** The deferrable calls placed, by number: of each kind, the first so many invoked. */
    List<Integer> placedDeferrables() {
        List<Integer> placed = new ArrayList<>();
        for (int kind = kindsPlaced.nextSetBit(0); kind >= 0; kind = kindsPlaced.nextSetBit(kind + 1)) {
            for (int i = 0; i < placedOfKind[kind]; i++) {
                placed.add(kindMembers.get(kind)[i]);
            }
        }
        return placed;
    }

    /** How many deferrable calls of each kind are placed, as a value. */
    Counts counts() {
        if (kindsPlaced.isEmpty()) {
            return Counts.NONE;
        }
        int[] pairs = new int[2 * kindsPlaced.cardinality()];
        int i = 0;
        for (int kind = kindsPlaced.nextSetBit(0); kind >= 0; kind = kindsPlaced.nextSetBit(kind + 1)) {
            pairs[i++] = kind;
            pairs[i++] = placedOfKind[kind];
        }
        return new Counts(pairs);
    }
}
