package dev.etcdpoc.check;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which call another call's answer rests on, among one key's relevant calls: a read that returned a
 * value rests on the call that wrote it; a cas that succeeded (or whose value was read) from revision E
 * on the write made at E; a delete that deleted something, or a cas on "absent" that failed, on the
 * last write with a known revision before its own. Without that call the answer could never be given,
 * so a smaller history that drops it is "not linearizable" for a dull reason; witnesses keep such calls
 * together.
 */
final class Dependencies {

    private final int[] dependency;
    private final List<List<Integer>> dependents;

    /** @param ops one key's relevant calls, in invocation order; indexes below are into this list */
    Dependencies(List<Operation> ops) {
        Map<String, Integer> writerOfValue = new HashMap<>();
        NavigableMap<Long, Integer> writerAtRevision = new TreeMap<>();
        Map<String, Long> observed = KeyHistory.observedRevisions(ops);
        for (int i = 0; i < ops.size(); i++) {
            String value = ops.get(i).writtenValue();
            if (value != null) {
                writerOfValue.put(value, i);
                Long revision = ops.get(i).revisionMade();
                revision = revision != null ? revision : observed.get(value);
                if (revision != null) {
                    writerAtRevision.put(revision, i);
                }
            }
        }
        dependency = new int[ops.size()];
        dependents = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
            dependents.add(new ArrayList<>());
        }
        for (int i = 0; i < ops.size(); i++) {
            Integer on = restsOn(ops.get(i), writerOfValue, writerAtRevision, observed.keySet());
            dependency[i] = on == null || on == i ? -1 : on;
            if (dependency[i] >= 0) {
                dependents.get(dependency[i]).add(i);
            }
        }
    }

    private static Integer restsOn(Operation op, Map<String, Integer> writerOfValue,
                                   NavigableMap<Long, Integer> writerAt, Set<String> observed) {
        Response response = op.response();
        if (response instanceof Response.Read read && read.value() != null) {
            return writerOfValue.get(read.value());
        }
        // An unanswered cas whose value was read succeeded too.
        if (response instanceof Response.Swapped swapped && swapped.succeeded()
            || op.request() instanceof Request.Cas cas && op.outcome() == Operation.Outcome.UNKNOWN
                && observed.contains(cas.newValue())) {
            return writerAt.get(((Request.Cas) op.request()).expectedModRevision());
        }
        Map.Entry<Long, Integer> before = null;
        if (response instanceof Response.Deleted deleted && deleted.count() == 1) {
            before = writerAt.lowerEntry(deleted.revision());
        }
        // A compare on "absent" (0) that failed saw the key present.
        if (response instanceof Response.Swapped swapped && !swapped.succeeded()
            && ((Request.Cas) op.request()).expectedModRevision() == 0) {
            before = writerAt.floorEntry(swapped.revision());
        }
        return before == null ? null : before.getValue();
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
