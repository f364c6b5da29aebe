package dev.etcdpoc.check;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A brute-force checker of tiny etcd histories, written from etcd's semantics and sharing no code with
 * the checker: it tries every order of the calls that respects real time (a call that completed before
 * another was invoked comes first; a call without an answer may come anywhere after its invocation, or
 * not at all), and for each unanswered change every revision in a range that covers every distinct case.
 *
 * <p>The semantics, as docs/check.md states them: one total order of the calls with an answer and any of
 * those without; a store revision starting at 1; along the order a call that changes nothing (a get, a
 * delete of an absent key, a compare that failed) with header revision R needs R >= the store's revision
 * and sets it to R; a change (a put, a delete that deleted, a compare that held) with revision R needs
 * R > the store's and sets it to R; a transaction's puts take one revision together; an unanswered change
 * takes any revision above the store's. Gets return the key's value and the revision of its last change.
 *
 * <p>Revisions above every number in the history differ only in how many of them are used up, so the
 * unanswered changes' revisions are tried up to that highest number plus their count. States are
 * remembered by exact equality (placed calls, store, revision): a state seen before has the same futures.
 */
final class EtcdOracle {

    private record Stored(String value, long modRevision) {
    }

    private record State(long placed, Map<String, Stored> store, long revision) {
    }

    private final List<List<Operation>> calls = new ArrayList<>();
    private final long highestRevision;
    private final Set<State> seen = new HashSet<>();

    private EtcdOracle(List<Operation> history) {
        Map<Long, List<Operation>> txns = new LinkedHashMap<>();
        long highest = 0;
        int unanswered = 0;
        for (Operation op : history) {
            if (op.outcome() == Operation.Outcome.FAILED
                || op.outcome() == Operation.Outcome.UNKNOWN && op.request() instanceof Request.Get) {
                continue;
            }
            if (op.txn() == 0) {
                calls.add(List.of(op));
            } else {
                txns.computeIfAbsent(op.txn(), t -> new ArrayList<>()).add(op);
            }
            highest = Math.max(highest, numbers(op));
        }
        calls.addAll(txns.values());
        for (List<Operation> call : calls) {
            unanswered += call.get(0).outcome() == Operation.Outcome.UNKNOWN ? 1 : 0;
        }
        if (calls.size() > 62) {
            throw new IllegalArgumentException("too many calls for brute force");
        }
        this.highestRevision = highest + unanswered + 1;
    }

    static boolean linearizable(List<Operation> history) {
        EtcdOracle oracle = new EtcdOracle(history);
        return oracle.search(new State(0, Map.of(), 1));
    }

    private static long numbers(Operation op) {
        long n = 0;
        if (op.request() instanceof Request.Cas cas) {
            n = cas.expectedModRevision();
        }
        Response r = op.response();
        if (r instanceof Response.Written w) {
            n = Math.max(n, w.revision());
        } else if (r instanceof Response.Read read) {
            n = Math.max(n, read.revision());
        } else if (r instanceof Response.Deleted d) {
            n = Math.max(n, d.revision());
        } else if (r instanceof Response.Swapped s) {
            n = Math.max(n, s.revision());
        }
        return n;
    }

    private boolean search(State state) {
        if (!seen.add(state)) {
            return false;
        }
        boolean allAnsweredPlaced = true;
        for (int i = 0; i < calls.size(); i++) {
            if ((state.placed() & (1L << i)) == 0 && answered(i)) {
                allAnsweredPlaced = false;
            }
        }
        if (allAnsweredPlaced) {
            return true;
        }
        for (int i = 0; i < calls.size(); i++) {
            if ((state.placed() & (1L << i)) != 0 || !mayGoNext(state.placed(), i)) {
                continue;
            }
            for (State next : apply(state, i)) {
                if (search(next)) {
                    return true;
                }
            }
        }
        return false;
    }

    private boolean answered(int call) {
        return calls.get(call).get(0).outcome() == Operation.Outcome.OK;
    }

    /** No answered call still unplaced completed before this one was invoked. */
    private boolean mayGoNext(long placed, int call) {
        long invoked = calls.get(call).get(0).invoked();
        for (int j = 0; j < calls.size(); j++) {
            if ((placed & (1L << j)) == 0 && answered(j) && calls.get(j).get(0).completed() < invoked) {
                return false;
            }
        }
        return true;
    }

    private List<State> apply(State state, int index) {
        List<Operation> call = calls.get(index);
        long placed = state.placed() | (1L << index);
        Operation op = call.get(0);
        Stored current = state.store().get(op.key());
        long modRevision = current == null ? 0 : current.modRevision();
        List<State> next = new ArrayList<>();
        if (op.outcome() == Operation.Outcome.UNKNOWN) {
            boolean changes = op.request() instanceof Request.Put
                || op.request() instanceof Request.Delete && current != null
                || op.request() instanceof Request.Cas cas && cas.expectedModRevision() == modRevision;
            if (!changes) {
                // It took effect and changed nothing: the store is as it was.
                next.add(new State(placed, state.store(), state.revision()));
                return next;
            }
            for (long r = state.revision() + 1; r <= highestRevision; r++) {
                next.add(new State(placed, change(state.store(), call, r), r));
            }
            return next;
        }
        Response response = op.response();
        if (response instanceof Response.Read read) {
            boolean same = Objects.equals(read.value(), current == null ? null : current.value())
                && read.modRevision() == modRevision;
            if (same && read.revision() >= state.revision()) {
                next.add(new State(placed, state.store(), read.revision()));
            }
        } else if (response instanceof Response.Written written) {
            if (written.revision() > state.revision()) {
                next.add(new State(placed, change(state.store(), call, written.revision()), written.revision()));
            }
        } else if (response instanceof Response.Deleted deleted) {
            if (deleted.count() == 1 && current != null && deleted.revision() > state.revision()) {
                next.add(new State(placed, change(state.store(), call, deleted.revision()), deleted.revision()));
            } else if (deleted.count() == 0 && current == null && deleted.revision() >= state.revision()) {
                next.add(new State(placed, state.store(), deleted.revision()));
            }
        } else if (response instanceof Response.Swapped swapped) {
            boolean holds = ((Request.Cas) op.request()).expectedModRevision() == modRevision;
            if (swapped.succeeded() && holds && swapped.revision() > state.revision()) {
                next.add(new State(placed, change(state.store(), call, swapped.revision()), swapped.revision()));
            } else if (!swapped.succeeded() && !holds && swapped.revision() >= state.revision()) {
                next.add(new State(placed, state.store(), swapped.revision()));
            }
        }
        return next;
    }

    /** The store after every operation of {@code call} changed its key at {@code revision}. */
    private static Map<String, Stored> change(Map<String, Stored> store, List<Operation> call, long revision) {
        Map<String, Stored> after = new HashMap<>(store);
        for (Operation op : call) {
            if (op.request() instanceof Request.Delete) {
                after.remove(op.key());
            } else if (op.request() instanceof Request.Put put) {
                after.put(op.key(), new Stored(put.value(), revision));
            } else {
                after.put(op.key(), new Stored(((Request.Cas) op.request()).newValue(), revision));
            }
        }
        return Map.copyOf(after);
    }
}
