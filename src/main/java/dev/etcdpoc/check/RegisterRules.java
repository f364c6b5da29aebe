package dev.etcdpoc.check;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A plain register's semantics (a store without revisions, such as Redis's strings) as a step function:
 * the state is each key's value ({@code null} when absent). A read answers the value, a put is
 * acknowledged, a delete says whether it removed something, a compare-and-set compares values. Nothing
 * orders the calls but their times, so every level is 0.
 */
final class RegisterRules implements Rules<Store> {

    private final Map<String, Integer> index;

    RegisterRules(List<Call> calls) {
        this.index = Store.number(calls);
    }

    @Override
    public State<Store> initial() {
        return new State<>(Store.of(index.size(), null), 0);
    }

    @Override
    public List<State<Store>> step(State<Store> state, Call call) {
        Operation op = call.first();
        int key = index.get(op.key());
        String value = state.core().get(key);
        Request request = op.request();
        Response response = op.response();
        if (response instanceof Response.Value read) {
            return Objects.equals(value, read.value()) ? List.of(state) : List.of();
        }
        if (request instanceof Request.Put put) {
            return List.of(set(state, key, put.value()));
        }
        if (request instanceof Request.Delete) {
            if (response instanceof Response.Removed removed) {
                return (removed.count() == 1) == (value != null) ? List.of(value != null ? set(state, key, null) : state) : List.of();
            }
            // Unanswered: a delete of an absent key changes nothing, the same as never placing it.
            return value != null ? List.of(set(state, key, null)) : List.of();
        }
        Request.CompareAndSet cas = (Request.CompareAndSet) request;
        boolean holds = Objects.equals(value, cas.expectedValue());
        if (response instanceof Response.Compared compared) {
            return compared.succeeded() == holds ? List.of(holds ? set(state, key, cas.newValue()) : state) : List.of();
        }
        // Unanswered: a compare that fails changes nothing, the same as never placing it.
        return holds ? List.of(set(state, key, cas.newValue())) : List.of();
    }

    private static State<Store> set(State<Store> state, int key, String value) {
        return new State<>(state.core().with(new int[] {key}, new Object[] {value}), 0);
    }

    /** Every unanswered call: it may never have taken effect, and no answer pins it down. */
    @Override
    public boolean deferrable(Call call) {
        return !call.answered();
    }

    /** Unanswered calls asking the same do the same. */
    @Override
    public Object kind(Call call) {
        return call.first().request();
    }

    @Override
    public long ceiling(Call call) {
        return Long.MAX_VALUE;
    }

    @Override
    public long deadline(Call call) {
        return call.answered() ? call.completed() : Long.MAX_VALUE;
    }
}
