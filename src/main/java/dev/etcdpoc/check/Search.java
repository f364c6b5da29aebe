package dev.etcdpoc.check;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Wing and Gong's search for a linearization of some calls, with Lowe's memoisation, the way Porcupine
 * does it: the calls' invocations and completions in time order form a linked list; the search repeatedly
 * takes out ("lifts") the first call that the model accepts in the current state, and backs up when it
 * meets the completion of a call it has not yet placed. States already reached are not explored again
 * ({@link Memo}). It knows nothing of the store: the model's {@link Rules} say what each call does.
 *
 * <p>A call without an answer completes "at infinity": it may be placed anywhere after its invocation, or
 * never; but one whose effect a read saw completes when that read did ({@link Rules#deadline}). Those that
 * never have to be placed ({@link Rules#deferrable}) are tried in each state only after the others, and the
 * search succeeds once every other call is placed.
 *
 * <p>Levels only grow (etcd's revisions): a state whose level is above what some unplaced call allows
 * ({@link Placement#ceiling()}) is a dead end, dropped at once instead of after exploring it. With that,
 * histories of thousands of calls with many unanswered ones take milliseconds.
 *
 * <p>When two events have the same time the invocation comes first, so equal times count as overlapping
 * (no false alarm from a coarse clock).
 */
final class Search<C> {

    enum Result { LINEARIZABLE, NOT_LINEARIZABLE, TIMED_OUT }

    /**
     * @param result    what the search found
     * @param stuck     when not linearizable: the call whose completion the search could get furthest to but
     *                  not past (where the history breaks), else null
     * @param deferred  when linearizable: the deferrable calls the linearization found places (calls that
     *                  never had to be placed, yet were needed)
     */
    record Outcome(Result result, Call stuck, List<Call> deferred) {
    }

    private static final int END = -1;
    private static final int HEAD = 0;

    private final List<Call> calls;
    private final Rules<C> rules;
    // Nodes 1..2n are the events in time order, node 0 the head; next/prev link the events not yet lifted,
    // and nextRequired/prevRequired those of them that are not a deferrable call's invocation: the first
    // round of each state walks only these (many unanswered calls wait at the front of the full list).
    private final int[] next;
    private final int[] prev;
    private final int[] nextRequired;
    private final int[] prevRequired;
    private final int[] callOf;
    private final boolean[] isInvocation;
    private final int[] match;

    /** A state the search went forward from: where, in which state and round, and which choices are left. */
    private record Frame<C>(int node, Rules.State<C> state, boolean later, List<Rules.State<C>> choices, int tried) {
    }

    private Search(List<Call> calls, Rules<C> rules) {
        this.calls = calls;
        this.rules = rules;
        int n = calls.size();
        next = new int[2 * n + 1];
        prev = new int[2 * n + 1];
        nextRequired = new int[2 * n + 1];
        prevRequired = new int[2 * n + 1];
        callOf = new int[2 * n + 1];
        isInvocation = new boolean[2 * n + 1];
        match = new int[2 * n + 1];
        // Event e: the invocation of call e/2 when e is even, its completion when odd.
        long[] times = new long[2 * n];
        for (int c = 0; c < n; c++) {
            Call call = calls.get(c);
            times[2 * c] = call.invoked();
            // Never before its own invocation, even when a read saw its effect earlier (a violation the
            // search finds): a completion before the invocation would break the list.
            times[2 * c + 1] = Math.max(call.invoked(), rules.deadline(call));
        }
        Integer[] events = IntStream.range(0, 2 * n).boxed().toArray(Integer[]::new);
        Arrays.sort(events, Comparator.<Integer>comparingLong(e -> times[e]).thenComparingInt(e -> e % 2));
        int[] invocationNode = new int[n];
        for (int node = 1; node <= 2 * n; node++) {
            int e = events[node - 1];
            callOf[node] = e / 2;
            isInvocation[node] = e % 2 == 0;
            if (isInvocation[node]) {
                invocationNode[e / 2] = node;
            } else {
                match[invocationNode[e / 2]] = node;
            }
            prev[node] = node - 1;
            next[node - 1] = node;
        }
        next[2 * n] = END;
        int last = HEAD;
        for (int node = 1; node <= 2 * n; node++) {
            if (!isInvocation[node] || !rules.deferrable(calls.get(callOf[node]))) {
                nextRequired[last] = node;
                prevRequired[node] = last;
                last = node;
            } else {
                prevRequired[node] = -2;
            }
        }
        nextRequired[last] = END;
    }

    /** Searches for a linearization of {@code calls} (in invocation order) from the model's initial state. */
    static <C> Outcome run(List<Call> calls, Rules<C> rules, Deadline deadline) {
        return new Search<>(calls, rules).run(deadline);
    }

    private Outcome run(Deadline deadline) {
        Placement placement = new Placement(calls, rules);
        Memo memo = new Memo();
        @SuppressWarnings("unchecked")
        Frame<C>[] stack = new Frame[calls.size()];
        int depth = 0;
        Rules.State<C> state = rules.initial();
        int furthest = 0;
        long steps = 0;
        int node = nextRequired[HEAD];
        // Each state's calls are tried in two rounds: first those that must be placed, then ("later") the
        // deferrable ones, so that a deferrable call is placed only when nothing works without it.
        boolean later = false;
        List<Rules.State<C>> choices = null;
        int tried = 0;
        while (!placement.complete()) {
            if ((++steps & 0x3FF) == 0 && deadline.passed()) {
                return new Outcome(Result.TIMED_OUT, null, List.of());
            }
            if (isInvocation[node]) {
                int call = callOf[node];
                if (choices == null) {
                    choices = placement.deferrable(call) == later && placement.inTurn(call)
                        ? rules.step(state, calls.get(call)) : List.of();
                    tried = 0;
                }
                boolean advanced = false;
                while (tried < choices.size()) {
                    Rules.State<C> after = choices.get(tried++);
                    placement.place(call);
                    if (after.level() <= placement.ceiling() && memo.firstVisit(placement, after)) {
                        stack[depth++] = new Frame<>(node, state, later, choices, tried);
                        state = after;
                        lift(node);
                        node = nextRequired[HEAD];
                        later = false;
                        choices = null;
                        advanced = true;
                        break;
                    }
                    placement.unplace(call);
                }
                if (!advanced) {
                    choices = null;
                    // The lists always end with a completion, so an invocation always has a next node.
                    node = later ? next[node] : nextRequired[node];
                }
            } else if (!later) {
                later = true;
                node = next[HEAD];
            } else {
                furthest = Math.max(furthest, node);
                if (depth == 0) {
                    return new Outcome(Result.NOT_LINEARIZABLE, calls.get(callOf[furthest]), List.of());
                }
                Frame<C> frame = stack[--depth];
                stack[depth] = null;
                node = frame.node();
                state = frame.state();
                later = frame.later();
                choices = frame.choices();
                tried = frame.tried();
                placement.unplace(callOf[node]);
                unlift(node);
            }
        }
        return new Outcome(Result.LINEARIZABLE, null, placement.placedDeferrables().stream().map(calls::get).toList());
    }

    private void lift(int invocation) {
        unlink(invocation, next, prev);
        unlink(match[invocation], next, prev);
        if (prevRequired[invocation] != -2) {
            unlink(invocation, nextRequired, prevRequired);
        }
        unlink(match[invocation], nextRequired, prevRequired);
    }

    private void unlift(int invocation) {
        relink(match[invocation], nextRequired, prevRequired);
        if (prevRequired[invocation] != -2) {
            relink(invocation, nextRequired, prevRequired);
        }
        relink(match[invocation], next, prev);
        relink(invocation, next, prev);
    }

    private static void unlink(int node, int[] next, int[] prev) {
        next[prev[node]] = next[node];
        if (next[node] != END) {
            prev[next[node]] = prev[node];
        }
    }

    private static void relink(int node, int[] next, int[] prev) {
        next[prev[node]] = node;
        if (next[node] != END) {
            prev[next[node]] = node;
        }
    }
}
