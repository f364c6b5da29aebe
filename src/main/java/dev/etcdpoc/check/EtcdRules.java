package dev.etcdpoc.check;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * etcd's semantics as a step function, over the keys of some calls: the state is each key's value and
 * mod revision, and its level is the store's revision, which starts at 1 (a fresh store) and only grows.
 * A call that changes nothing (a get, a delete of an absent key, a compare that failed) is served at its
 * header revision, at or above the store's; a change (a put, a delete that deleted, a compare that
 * held; all the puts of one transaction together) takes its revision, above the store's, and no other
 * change can take the same one. The history need not hold every writer of the store (other keys, lease
 * expiries), so revisions may jump; but every write to its keys is in it.
 *
 * <p>A call without an answer takes effect when placed (a cas only if its compare holds). Its revision
 * is the one a read saw its value at; when no read saw it, the lowest one free above both the store's and
 * every header that completed before it was sent ({@link Revisions}), or — what only a compare can tell
 * apart — one that a compare-and-swap on its key compares against.
 */
final class EtcdRules implements Rules<Store> {

    /** One key: its value ({@code null} when absent) and mod revision (0 when absent). */
    record Key(String value, long modRevision) {
        static final Key ABSENT = new Key(null, 0);
        /**
         * The mod revision of a value written where no compare looks: equal to none a compare names, so
         * one state stands for every such revision.
         */
        static final long SYMBOLIC = -1;
        /** A value no read returned: no read can match it, so one state stands for them all. */
        static final String UNSEEN = "(unseen)";

        boolean exists() {
            return value != null;
        }
    }

    /** A fresh store is at revision 1; its first change takes 2 or later. */
    static final long FRESH = 1;

    private final Revisions revisions;
    private final Map<String, Integer> index;

    /**
     * @param calls     the calls the search places
     * @param revisions what the whole history says of revisions (more than {@code calls} when they are
     *                  one key's of a larger history)
     */
    EtcdRules(List<Call> calls, Revisions revisions) {
        this.revisions = revisions;
        this.index = Store.number(calls);
    }

    @Override
    public State<Store> initial() {
        return new State<>(Store.of(index.size(), Key.ABSENT), FRESH);
    }

    @Override
    public List<State<Store>> step(State<Store> state, Call call) {
        if (!call.answered()) {
            return unanswered(state, call);
        }
        State<Store> after = answered(state, call);
        return after == null ? List.of() : List.of(after);
    }

    private State<Store> answered(State<Store> state, Call call) {
        Operation op = call.first();
        long level = state.level();
        Key key = state.core().get(index.get(op.key()));
        Response response = op.response();
        if (call.transaction() || response instanceof Response.Written) {
            long revision = op.headerRevision();
            return revision > level ? write(state, call, revision, false) : null;
        }
        if (response instanceof Response.Read read) {
            boolean same = Objects.equals(key.value(), read.value()) && key.modRevision() == read.modRevision();
            return same && read.revision() >= level ? new State<>(state.core(), read.revision()) : null;
        }
        if (response instanceof Response.Deleted deleted) {
            if (deleted.count() == 1) {
                return key.exists() && deleted.revision() > level ? absent(state, op, deleted.revision()) : null;
            }
            return !key.exists() && deleted.revision() >= level ? new State<>(state.core(), deleted.revision()) : null;
        }
        Request.Cas cas = (Request.Cas) op.request();
        Response.Swapped swapped = (Response.Swapped) response;
        boolean holds = key.modRevision() == cas.expectedModRevision();
        if (swapped.succeeded()) {
            return holds && swapped.revision() > level ? write(state, call, swapped.revision(), false) : null;
        }
        return !holds && swapped.revision() >= level ? new State<>(state.core(), swapped.revision()) : null;
    }

    private List<State<Store>> unanswered(State<Store> state, Call call) {
        Operation op = call.first();
        // Sent after those calls completed, it changed the store after they were served.
        long floor = Math.max(state.level(), revisions.completedBelow(op.invoked()));
        Key key = state.core().get(index.get(op.key()));
        if (op.request() instanceof Request.Delete) {
            // A delete of an absent key changes nothing: the same as never placing it.
            return key.exists() ? List.of(absent(state, op, revisions.free(floor, new long[0]))) : List.of();
        }
        if (op.request() instanceof Request.Cas cas && key.modRevision() != cas.expectedModRevision()) {
            return List.of();
        }
        Long seen = revisions.observed(op.writtenValue());
        if (seen != null) {
            return seen > floor ? List.of(write(state, call, seen, false)) : List.of();
        }
        long[] compared = compared(call);
        List<State<Store>> choices = new ArrayList<>();
        choices.add(write(state, call, revisions.free(floor, compared), true));
        for (long revision : compared) {
            if (revision > floor) {
                choices.add(write(state, call, revision, false));
            }
        }
        return choices;
    }

    /** The revisions compare-and-swaps on the call's keys compare against, no answered change's, ascending. */
    private long[] compared(Call call) {
        if (!call.transaction()) {
            return revisions.compared(call.first().key());
        }
        TreeSet<Long> all = new TreeSet<>();
        for (Operation op : call.ops()) {
            Arrays.stream(revisions.compared(op.key())).forEach(all::add);
        }
        return all.stream().mapToLong(Long::longValue).toArray();
    }

    /** Every operation of the call writes its value at {@code revision}; a value no read returned is unseen. */
    private State<Store> write(State<Store> state, Call call, long revision, boolean symbolic) {
        int[] changed = new int[call.ops().size()];
        Key[] values = new Key[changed.length];
        for (int i = 0; i < changed.length; i++) {
            Operation op = call.ops().get(i);
            changed[i] = index.get(op.key());
            String value = op.writtenValue();
            values[i] = new Key(revisions.observed(value) == null ? Key.UNSEEN : value, symbolic ? Key.SYMBOLIC : revision);
        }
        return new State<>(state.core().with(changed, values), revision);
    }

    private State<Store> absent(State<Store> state, Operation op, long revision) {
        return new State<>(state.core().with(new int[] {index.get(op.key())}, new Key[] {Key.ABSENT}), revision);
    }

    /**
     * An unanswered call whose effect no read saw: an unanswered delete, or an unanswered write whose
     * value no read returned. It never has to be placed, and placing it can only narrow what may follow.
     */
    @Override
    public boolean deferrable(Call call) {
        return !call.answered() && revisions.observed(call.first().writtenValue()) == null;
    }

    @Override
    public Object kind(Call call) {
        List<Object> kind = new ArrayList<>();
        for (Operation op : call.ops()) {
            kind.add(op.request().getClass());
            kind.add(op.key());
            kind.add(op.request() instanceof Request.Cas cas ? cas.expectedModRevision() : 0L);
        }
        return kind;
    }

    /** A change's revision less one, an unchanging call's header; an unanswered write's that a read saw, less one. */
    @Override
    public long ceiling(Call call) {
        Operation op = call.first();
        if (call.answered()) {
            Long made = call.transaction() ? op.headerRevision() : op.revisionMade();
            return made != null ? made - 1 : op.headerRevision();
        }
        Long seen = revisions.observed(op.writtenValue());
        return seen == null ? Long.MAX_VALUE : seen - 1;
    }

    @Override
    public long deadline(Call call) {
        return call.answered() ? call.completed() : revisions.firstRead(call.first().writtenValue());
    }
}
