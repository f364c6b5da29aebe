package dev.etcdpoc.check;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Wing and Gong's search for a linearization of one key's calls, with Lowe's memoisation, the way
 * Porcupine does it: the calls' invocations and completions in time order form a linked list; the search
 * repeatedly takes out ("lifts") the first call that the model accepts in the current state, and backs
 * up when it meets the completion of a call it has not yet placed. A (set of placed calls, state) pair
 * reached once is never explored again, which keeps histories of thousands of calls fast.
 *
 * <p>A call without an answer ({@link Operation.Outcome#UNKNOWN}) completes "at infinity": it may be
 * placed anywhere after its invocation, including after everything else. When two events have the same
 * time the invocation comes first, so equal times count as overlapping (no false alarm from a coarse
 * clock).
 */
final class Search {

    enum Result { LINEARIZABLE, NOT_LINEARIZABLE, TIMED_OUT }

    /**
     * @param result  what the search found
     * @param reached when not linearizable: the calls invoked before the furthest completion the search
     *                could not get past (the part of the history that holds the problem), in invocation order
     */
    record Outcome(Result result, List<Operation> reached) {
    }

    /** A placed set and a state, the memo's key. */
    private record Seen(BitSet placed, Register state) {
    }

    private static final int END = -1;
    private static final int HEAD = 0;

    private final List<Operation> ops;
    private final RegisterModel model;
    // Nodes 1..2n are the events in time order, node 0 the head; next/prev link the events not yet lifted.
    private final int[] next;
    private final int[] prev;
    private final int[] opOf;
    private final boolean[] isCall;
    private final int[] match;

    private Search(List<Operation> ops, RegisterModel model) {
        this.ops = ops;
        this.model = model;
        int n = ops.size();
        next = new int[2 * n + 1];
        prev = new int[2 * n + 1];
        opOf = new int[2 * n + 1];
        isCall = new boolean[2 * n + 1];
        match = new int[2 * n + 1];
        // Event e: call of op e/2 when e is even, its completion when odd.
        Integer[] events = IntStream.range(0, 2 * n).boxed().toArray(Integer[]::new);
        Arrays.sort(events, Comparator.<Integer>comparingLong(this::time).thenComparingInt(e -> e % 2));
        int[] callNode = new int[n];
        for (int node = 1; node <= 2 * n; node++) {
            int e = events[node - 1];
            opOf[node] = e / 2;
            isCall[node] = e % 2 == 0;
            if (isCall[node]) {
                callNode[e / 2] = node;
            } else {
                match[callNode[e / 2]] = node;
            }
            prev[node] = node - 1;
            next[node - 1] = node;
        }
        next[2 * n] = END;
    }

    private long time(int event) {
        Operation op = ops.get(event / 2);
        if (event % 2 == 0) {
            return op.invoked();
        }
        return op.outcome() == Operation.Outcome.UNKNOWN ? Long.MAX_VALUE : op.completed();
    }

    /** Searches for a linearization of {@code ops}, in invocation order, from an absent key. */
    static Outcome run(List<Operation> ops, RegisterModel model, Deadline deadline) {
        return new Search(ops, model).run(deadline);
    }

    private Outcome run(Deadline deadline) {
        BitSet placed = new BitSet(ops.size());
        Set<Seen> seen = new HashSet<>();
        int[] stackNode = new int[ops.size()];
        Register[] stackState = new Register[ops.size()];
        int depth = 0;
        Register state = Register.ABSENT;
        int furthest = 0;
        long steps = 0;
        int node = next[HEAD];
        while (next[HEAD] != END) {
            if ((++steps & 0x3FF) == 0 && deadline.passed()) {
                return new Outcome(Result.TIMED_OUT, List.of());
            }
            if (isCall[node]) {
                Register after = model.apply(state, ops.get(opOf[node]));
                if (after != null) {
                    placed.set(opOf[node]);
                    if (!seen.contains(new Seen(placed, after))) {
                        seen.add(new Seen((BitSet) placed.clone(), after));
                        stackNode[depth] = node;
                        stackState[depth++] = state;
                        state = after;
                        lift(node);
                        node = next[HEAD];
                        continue;
                    }
                    placed.clear(opOf[node]);
                }
                // The list always ends with a completion, so a call always has a next node.
                node = next[node];
            } else {
                furthest = Math.max(furthest, node);
                if (depth == 0) {
                    return new Outcome(Result.NOT_LINEARIZABLE, invokedBefore(furthest));
                }
                node = stackNode[--depth];
                state = stackState[depth];
                placed.clear(opOf[node]);
                unlift(node);
                node = next[node];
            }
        }
        return new Outcome(Result.LINEARIZABLE, List.of());
    }

    private List<Operation> invokedBefore(int limit) {
        List<Operation> before = new ArrayList<>();
        for (int node = 1; node < limit; node++) {
            if (isCall[node]) {
                before.add(ops.get(opOf[node]));
            }
        }
        before.sort(Comparator.comparingLong(Operation::invoked));
        return before;
    }

    private void lift(int call) {
        unlink(call);
        unlink(match[call]);
    }

    private void unlift(int call) {
        relink(match[call]);
        relink(call);
    }

    private void unlink(int node) {
        next[prev[node]] = next[node];
        if (next[node] != END) {
            prev[next[node]] = prev[node];
        }
    }

    private void relink(int node) {
        next[prev[node]] = node;
        if (next[node] != END) {
            prev[next[node]] = node;
        }
    }
}
