package dev.etcdpoc.check;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Which call another call's answer rests on, among one key's relevant calls: a read that returned a
 * value rests on the call that wrote it; a cas that succeeded (or whose value was read) from revision E
 * on the write made at E, or from 0 on the last write before it (what made the key absent); a delete
 * that deleted something on the last write before it; a call that saw
 * the key as it was at its header revision H without changing it (a read of nothing, a delete of nothing,
 * a compare that failed) on the last write at or before H. Without that call the answer could be wrong
 * for a dull reason (a read of nothing "missing" a put whose delete was dropped), so witnesses keep such
 * calls together. Writes count when their revision is known: from their answer, or from a read of their
 * value.
 */
final class Dependencies {

    private final int[] dependency;
    private final List<List<Integer>> dependents;

    /** @param ops one key's relevant calls, in invocation order; indexes below are into this list */
    Dependencies(List<Operation> ops) {
        Map<String, Long> observed = KeyHistory.observedRevisions(ops);
        Map<String, Integer> writerOfValue = new HashMap<>();
        NavigableMap<Long, Integer> writes = new TreeMap<>();
        for (int i = 0; i < ops.size(); i++) {
            String value = ops.get(i).writtenValue();
            Long revision = ops.get(i).revisionMade();
            if (value != null) {
                writerOfValue.put(value, i);
                revision = revision != null ? revision : observed.get(value);
            }
            if (revision != null) {
                writes.put(revision, i);
            }
        }
        dependency = new int[ops.size()];
        dependents = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
            dependents.add(new ArrayList<>());
        }
        for (int i = 0; i < ops.size(); i++) {
            Integer on = restsOn(ops.get(i), writerOfValue, writes, observed);
            dependency[i] = on == null || on == i ? -1 : on;
            if (dependency[i] >= 0) {
                dependents.get(dependency[i]).add(i);
            }
        }
    }

    private static Integer restsOn(Operation op, Map<String, Integer> writerOfValue,
                                   NavigableMap<Long, Integer> writes, Map<String, Long> observed) {
        if (op.response() instanceof Response.Read read && read.value() != null) {
            return writerOfValue.get(read.value());
        }
        Long made = op.revisionMade();
        if (op.request() instanceof Request.Cas cas) {
            // An unanswered cas whose value was read succeeded too, at the revision it was read at.
            made = made != null || op.outcome() != Operation.Outcome.UNKNOWN ? made : observed.get(cas.newValue());
            if (made != null) {
                // From E > 0: the write at E; from 0 ("absent"): whatever made the key absent.
                long expected = cas.expectedModRevision();
                return expected > 0 ? writes.get(expected) : valueOf(writes.lowerEntry(made));
            }
        }
        if (op.response() instanceof Response.Deleted && made != null) {
            return valueOf(writes.lowerEntry(made));
        }
        return op.outcome() == Operation.Outcome.OK && made == null
            ? valueOf(writes.floorEntry(op.headerRevision())) : null;
    }

    private static Integer valueOf(Map.Entry<Long, Integer> write) {
        return write == null ? null : write.getValue();
    }

    /** Adds to {@code calls} every call a member rests on, transitively. */
    void close(BitSet calls) {
        for (int i = calls.nextSetBit(0); i >= 0; i = calls.nextSetBit(i + 1)) {
            for (int on = dependency[i]; on >= 0 && !calls.get(on); on = dependency[on]) {
                calls.set(on);
            }
        }
    }

    /** Takes {@code call} out of {@code calls} with every member that rests on it, transitively. */
    void remove(BitSet calls, int call) {
        Deque<Integer> todo = new ArrayDeque<>(List.of(call));
        while (!todo.isEmpty()) {
            int next = todo.pop();
            if (calls.get(next)) {
                calls.clear(next);
                todo.addAll(dependents.get(next));
            }
        }
    }
}
