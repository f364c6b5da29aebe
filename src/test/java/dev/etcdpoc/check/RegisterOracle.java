package dev.etcdpoc.check;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A brute-force checker of tiny histories of plain registers, written from their semantics and sharing no
 * code with the checker: every order of the calls that respects real time (a call without an answer
 * anywhere after its invocation, or not at all), with a store of values and nothing else. A read answers
 * the key's value, a delete whether it removed one, a compare-and-set whether the value was the one it
 * expected. States are remembered by exact equality (placed calls, store).
 */
final class RegisterOracle {

    private record State(long placed, Map<String, String> store) {
    }

    private final List<Operation> calls = new ArrayList<>();
    private final Set<State> seen = new HashSet<>();

    private RegisterOracle(List<Operation> history) {
        for (Operation op : history) {
            boolean says = op.outcome() == Operation.Outcome.OK
                || op.outcome() == Operation.Outcome.UNKNOWN && !(op.request() instanceof Request.Get);
            if (says) {
                calls.add(op);
            }
        }
        if (calls.size() > 62) {
            throw new IllegalArgumentException("too many calls for brute force");
        }
    }

    static boolean linearizable(List<Operation> history) {
        return new RegisterOracle(history).search(new State(0, Map.of()));
    }

    private boolean search(State state) {
        if (!seen.add(state)) {
            return false;
        }
        boolean done = true;
        for (int i = 0; i < calls.size(); i++) {
            if ((state.placed() & (1L << i)) == 0 && calls.get(i).outcome() == Operation.Outcome.OK) {
                done = false;
            }
        }
        if (done) {
            return true;
        }
        for (int i = 0; i < calls.size(); i++) {
            if ((state.placed() & (1L << i)) == 0 && mayGoNext(state.placed(), i)) {
                State next = apply(state, i);
                if (next != null && search(next)) {
                    return true;
                }
            }
        }
        return false;
    }

    private boolean mayGoNext(long placed, int call) {
        for (int j = 0; j < calls.size(); j++) {
            Operation other = calls.get(j);
            if ((placed & (1L << j)) == 0 && other.outcome() == Operation.Outcome.OK
                && other.completed() < calls.get(call).invoked()) {
                return false;
            }
        }
        return true;
    }

    /** The state after the call, or null when its answer cannot be given in this one. */
    private State apply(State state, int index) {
        Operation op = calls.get(index);
        long placed = state.placed() | (1L << index);
        String value = state.store().get(op.key());
        Map<String, String> store = new HashMap<>(state.store());
        Request request = op.request();
        Response response = op.response();
        boolean unknown = op.outcome() == Operation.Outcome.UNKNOWN;
        if (request instanceof Request.Get) {
            return Objects.equals(((Response.Value) response).value(), value) ? new State(placed, state.store()) : null;
        }
        if (request instanceof Request.Put put) {
            store.put(op.key(), put.value());
        } else if (request instanceof Request.Delete) {
            if (!unknown && ((Response.Removed) response).count() != (value == null ? 0 : 1)) {
                return null;
            }
            store.remove(op.key());
        } else {
            Request.CompareAndSet cas = (Request.CompareAndSet) request;
            boolean holds = Objects.equals(cas.expectedValue(), value);
            if (!unknown && ((Response.Compared) response).succeeded() != holds) {
                return null;
            }
            if (holds) {
                store.put(op.key(), cas.newValue());
            }
        }
        return new State(placed, Map.copyOf(store));
    }
}
