package dev.etcdpoc.check;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Which call another call's answer rests on, among one etcd key's calls: a read that returned a value
 * rests on the call that wrote it; a cas that succeeded (or whose value was read) from revision E on the
 * write made at E, or from 0 on the last write before it (what made the key absent); a delete that
 * deleted something on the last write before it; a call that saw the key as it was at its header
 * revision H without changing it (a read of nothing, a delete of nothing, a compare that failed) on the
 * last write at or before H. Writes count when their revision is known: from their answer, or from a read
 * of their value.
 */
final class EtcdDependencies {

    private EtcdDependencies() {
    }

    /**
     * Adds, for each of {@code ops} that rests on another, that one to {@code restsOn}.
     *
     * @param ops one key's calls that say something about it, in invocation order
     */
    static void add(List<Operation> ops, Revisions revisions, Map<Operation, List<Operation>> restsOn) {
        Map<String, Operation> writerOfValue = new HashMap<>();
        NavigableMap<Long, Operation> writes = new TreeMap<>();
        for (Operation op : ops) {
            String value = op.writtenValue();
            Long revision = op.revisionMade();
            if (value != null) {
                writerOfValue.put(value, op);
                revision = revision != null ? revision : revisions.observed(value);
            }
            if (revision != null) {
                writes.put(revision, op);
            }
        }
        for (Operation op : ops) {
            Operation on = restsOn(op, writerOfValue, writes, revisions);
            if (on != null && on != op) {
                restsOn.put(op, List.of(on));
            }
        }
    }

    private static Operation restsOn(Operation op, Map<String, Operation> writerOfValue,
                                     NavigableMap<Long, Operation> writes, Revisions revisions) {
        if (op.response() instanceof Response.Read read && read.value() != null) {
            return writerOfValue.get(read.value());
        }
        Long made = op.revisionMade();
        if (op.request() instanceof Request.Cas cas) {
            // An unanswered cas whose value was read succeeded too, at the revision it was read at.
            made = made != null || op.outcome() != Operation.Outcome.UNKNOWN ? made : revisions.observed(cas.newValue());
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

    private static Operation valueOf(Map.Entry<Long, Operation> write) {
        return write == null ? null : write.getValue();
    }
}
