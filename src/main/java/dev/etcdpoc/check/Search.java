package dev.etcdpoc.check;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Wing and Gong's search for a linearization of one key's calls, with Lowe's memoisation, the way
 * Porcupine does it: the calls' invocations and completions in time order form a linked list; the search
 * repeatedly takes out ("lifts") the first call that the model accepts in the current state, and backs
 * up when it meets the completion of a call it has not yet placed. States already reached are not
 * explored again ({@link Memo}).
 *
 * <p>A call without an answer ({@link Operation.Outcome#UNKNOWN}) completes "at infinity": it may be
 * placed anywhere after its invocation, or never; but one whose value a read returned completes when the
 * first such read did, as it must have taken effect before. Those that can always come last
 * ({@link RegisterModel#deferrable}) need not be placed at all: the search succeeds once every other call
 * is placed, and in each state tries them only after the others.
 *
 * <p>etcd's revisions order the calls too: a state whose floor is above what some unplaced call allows
 * ({@link Placement#ceiling()}) is a dead end, dropped at once instead of after exploring it. With that,
 * histories of thousands of calls with many unanswered ones take milliseconds.
 *
 * <p>When two events have the same time the invocation comes first, so equal times count as
 * overlapping (no false alarm from a coarse clock).
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
    private final Map<String, Long> readBy;

    private Search(List<Operation> ops, RegisterModel model) {
        this.ops = ops;
        this.model = model;
        this.readBy = firstReads(ops);
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
        if (op.outcome() != Operation.Outcome.UNKNOWN) {
            return op.completed();
        }
        // Never before its own invocation, even when a read returned its value earlier (a violation the
        // search finds): a completion before the call would break the list.
        return Math.max(op.invoked(), readBy.getOrDefault(op.writtenValue(), Long.MAX_VALUE));
    }

    /** For each value some read returned, when the first of those reads completed. */
    private static Map<String, Long> firstReads(List<Operation> ops) {
        Map<String, Long> readBy = new HashMap<>();
        for (Operation op : ops) {
            if (op.response() instanceof Response.Read read && read.value() != null) {
                readBy.merge(read.value(), op.completed(), Math::min);
            }
        }
        return readBy;
    }

    /** Searches for a linearization of {@code ops}, in invocation order, from an absent key. */
    static Outcome run(List<Operation> ops, RegisterModel model, Deadline deadline) {
        return new Search(ops, model).run(deadline);
    }

    private Outcome run(Deadline deadline) {
        Placement placement = new Placement(ops, model);
        Memo memo = new Memo();
        int[] stackNode = new int[ops.size()];
        Register[] stackState = new Register[ops.size()];
        boolean[] stackLater = new boolean[ops.size()];
        int depth = 0;
        Register state = Register.ABSENT;
        int furthest = 0;
        long steps = 0;
        int node = next[HEAD];
        // Each state's calls are tried in two rounds: first those that must be placed, then ("later")
        // the deferrable ones, so that a deferrable call is placed only when nothing works without it.
        boolean later = false;
        while (!placement.complete()) {
            if ((++steps & 0x3FF) == 0 && deadline.passed()) {
                return new Outcome(Result.TIMED_OUT, List.of());
            }
            if (isCall[node]) {
                int op = opOf[node];
                Register after = placement.deferrable(op) == later ? model.apply(state, ops.get(op)) : null;
                if (after != null) {
                    placement.place(op);
                    if (after.floor() <= placement.ceiling() && memo.firstVisit(placement, after)) {
                        stackNode[depth] = node;
                        stackState[depth] = state;
                        stackLater[depth++] = later;
                        state = after;
                        lift(node);
                        node = next[HEAD];
                        later = false;
                        continue;
                    }
                    placement.unplace(op);
                }
                // The list always ends with a completion, so a call always has a next node.
                node = next[node];
            } else if (!later) {
                later = true;
                node = next[HEAD];
            } else {
                furthest = Math.max(furthest, node);
                if (depth == 0) {
                    return new Outcome(Result.NOT_LINEARIZABLE, invokedBefore(furthest));
                }
                node = stackNode[--depth];
                state = stackState[depth];
                later = stackLater[depth];
                placement.unplace(opOf[node]);
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
