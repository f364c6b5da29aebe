package dev.etcdpoc.check;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * etcd's semantics across keys ({@link EtcdRules}): one revision sequence for the whole store, starting at
 * 1; a call that began after another ended is served at a revision at least as high; every change takes a
 * revision of its own, a transaction's puts one together. Each value may be written by at most one call
 * (not counting calls that definitely failed or whose compare failed): that is how a read identifies the
 * write it saw, with its mod revision.
 */
final class EtcdModel extends Model {

    @Override
    public String name() {
        return "etcd";
    }

    @Override
    Optional<String> refusal(Operation op) {
        Response r = op.response();
        boolean etcdAnswer = r instanceof Response.Written || r instanceof Response.Read || r instanceof Response.Deleted
            || r instanceof Response.Swapped || r instanceof Response.Failed || r instanceof Response.Unknown;
        if (op.request() instanceof Request.CompareAndSet) {
            return Optional.of(op.request().text() + " compares a value; etcd's compare-and-swap compares a mod revision "
                + "(use the register model for values)");
        }
        if (!etcdAnswer) {
            return Optional.of(op.request().text() + " -> " + r.text() + " carries no revision; etcd's answers do "
                + "(use the register model for answers without revisions)");
        }
        if (op.txn() != 0 && !(op.request() instanceof Request.Put)) {
            return Optional.of(op.request().text() + " is in txn " + op.txn() + ", but a transaction here holds puts only");
        }
        return Optional.empty();
    }

    @Override
    Semantics semantics(List<Operation> history) {
        requireUniqueValues(history);
        for (Call call : Call.of(history)) {
            Long revision = call.first().headerRevision();
            for (Operation op : call.ops()) {
                if (!Objects.equals(op.headerRevision(), revision)) {
                    throw new IllegalArgumentException("txn " + op.txn() + " was answered with two revisions, "
                        + revision + " and " + op.headerRevision() + "; a transaction takes one");
                }
            }
        }
        return new EtcdSemantics(history);
    }

    private static void requireUniqueValues(List<Operation> history) {
        Map<String, Operation> writers = new HashMap<>();
        for (Operation op : history) {
            String value = op.writtenValue();
            Operation other = value == null ? null : writers.putIfAbsent(value, op);
            if (other != null) {
                throw new IllegalArgumentException("value " + value + " is written twice (" + other.request().text()
                    + " by client " + other.client() + " and " + op.request().text() + " by client " + op.client()
                    + "); the etcd model needs each value written by at most one call");
            }
        }
    }
}
