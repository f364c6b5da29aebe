package dev.etcdpoc.check;

import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** {@link EtcdModel} applied to one history. */
final class EtcdSemantics implements Semantics {

    private final List<Operation> history;
    private final Revisions revisions;
    private Map<Operation, List<Operation>> restsOn;

    EtcdSemantics(List<Operation> history) {
        this.history = history;
        this.revisions = new Revisions(history);
    }

    @Override
    public Rules<?> rules(List<Call> calls) {
        return new EtcdRules(calls, revisions);
    }

    @Override
    public boolean keysInteract() {
        return true;
    }

    /**
     * What the answers' revisions alone rule out, with no search: a header revision below 1 or a change at
     * 1 (a fresh store is at 1); two changes at one revision (an unanswered write counting at the revision a
     * read saw its value at); a call served at a revision below that of a call that completed before it
     * began, or a change at no more than it. At most one pair of calls per set of keys, the same key's first.
     */
    @Override
    public List<List<Operation>> conflicts() {
        Map<Set<String>, List<Operation>> found = new LinkedHashMap<>();
        List<Operation> answered = history.stream().filter(op -> op.headerRevision() != null).toList();
        Map<Long, Operation> changeAt = new HashMap<>();
        for (Operation op : history) {
            // A change's revision: from its answer, or for one without an answer, from a read of its value.
            Long made = op.outcome() == Operation.Outcome.UNKNOWN ? revisions.observed(op.writtenValue()) : op.revisionMade();
            Long header = op.outcome() == Operation.Outcome.UNKNOWN ? made : op.headerRevision();
            if (header == null) {
                continue;
            }
            if (header < EtcdRules.FRESH || made != null && made <= EtcdRules.FRESH) {
                found.putIfAbsent(Set.of(op.key()), List.of(op));
            }
            Operation other = made == null ? null : changeAt.putIfAbsent(made, op);
            if (other != null && (other.txn() == 0 || other.txn() != op.txn())) {
                found.putIfAbsent(keys(other, op), List.of(other, op));
            }
        }
        transactionsReadAtTwoRevisions(found);
        CompletedBefore all = new CompletedBefore(answered);
        Map<String, CompletedBefore> byKey = answered.stream().collect(Collectors.groupingBy(Operation::key,
            Collectors.collectingAndThen(Collectors.toList(), CompletedBefore::new)));
        for (Operation later : answered) {
            Operation earlier = byKey.get(later.key()).highestBefore(later.invoked());
            if (earlier == null || !backwards(earlier, later)) {
                earlier = all.highestBefore(later.invoked());
            }
            if (earlier != null && backwards(earlier, later)) {
                found.putIfAbsent(keys(earlier, later), List.of(earlier, later));
            }
        }
        return List.copyOf(found.values());
    }

    /**
     * An unanswered transaction's puts took one revision: two reads that saw two of its values at two mod
     * revisions cannot both be right (each key alone cannot tell).
     */
    private void transactionsReadAtTwoRevisions(Map<Set<String>, List<Operation>> found) {
        Map<String, Operation> firstRead = new HashMap<>();
        history.stream().sorted(Comparator.comparingLong(Operation::invoked)).forEach(op -> {
            if (op.response() instanceof Response.Read read && read.value() != null) {
                firstRead.putIfAbsent(read.value(), op);
            }
        });
        Map<Long, Operation> readOfTxn = new HashMap<>();
        for (Operation op : history) {
            Operation read = op.txn() != 0 && op.outcome() == Operation.Outcome.UNKNOWN ? firstRead.get(op.writtenValue()) : null;
            Operation other = read == null ? null : readOfTxn.putIfAbsent(op.txn(), read);
            if (other != null && modRevision(other) != modRevision(read)) {
                found.putIfAbsent(keys(other, read), List.of(other, read));
            }
        }
    }

    private static long modRevision(Operation read) {
        return ((Response.Read) read.response()).modRevision();
    }

    /** Whether {@code later}, which began after {@code earlier} completed, got a revision it cannot have. */
    private static boolean backwards(Operation earlier, Operation later) {
        long before = earlier.headerRevision();
        long after = later.headerRevision();
        return after < before || after == before && later.revisionMade() != null;
    }

    private static Set<String> keys(Operation a, Operation b) {
        return new HashSet<>(List.of(a.key(), b.key()));
    }

    @Override
    public synchronized List<Operation> restsOn(Operation op) {
        if (restsOn == null) {
            restsOn = new IdentityHashMap<>();
            Map<String, List<Operation>> byKey = history.stream().filter(Linearizability::relevant)
                .sorted(Comparator.comparingLong(Operation::invoked))
                .collect(Collectors.groupingBy(Operation::key, TreeMap::new, Collectors.toList()));
            byKey.values().forEach(ops -> EtcdDependencies.add(ops, revisions, restsOn));
        }
        return restsOn.getOrDefault(op, List.of());
    }

    @Override
    public Optional<String> proof(List<Operation> witness, List<Operation> around) {
        return EtcdExplanation.of(witness, history, around, revisions);
    }
}
