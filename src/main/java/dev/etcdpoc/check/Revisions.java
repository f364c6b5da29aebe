package dev.etcdpoc.check;

import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What a whole etcd history says about revisions, for the rules of any search over it: which revisions
 * its answered changes took (no other change can take them), at which revision each value a read returned
 * was written, what each key's compare-and-swaps compare against, and the lowest revision each call
 * without an answer could have taken from what had completed before it was sent — on any key, since the
 * store has one revision sequence.
 */
final class Revisions {

    private final long[] taken;
    /** For each taken revision (by index), the last of the run of consecutive taken revisions it is in. */
    private final long[] runEnd;
    private final Map<String, Long> observed = new HashMap<>();
    private final Map<String, Long> firstRead = new HashMap<>();
    private final Map<String, long[]> compared = new HashMap<>();
    private final CompletedBefore answered;

    /** @param history the whole history's operations, failed ones included (they are ignored) */
    Revisions(List<Operation> history) {
        List<Operation> byInvocation = history.stream()
            .sorted(Comparator.comparingLong(Operation::invoked)).toList();
        for (Operation op : byInvocation) {
            if (op.response() instanceof Response.Read read && read.value() != null) {
                observed.putIfAbsent(read.value(), read.modRevision());
                firstRead.merge(read.value(), op.completed(), Math::min);
            }
        }
        pinTransactions(byInvocation);
        TreeSet<Long> takenSet = new TreeSet<>();
        Map<String, TreeSet<Long>> expected = new HashMap<>();
        for (Operation op : history) {
            Long made = op.revisionMade();
            if (made != null) {
                takenSet.add(made);
            }
            String value = op.writtenValue();
            if (op.outcome() == Operation.Outcome.UNKNOWN && value != null && observed.containsKey(value)) {
                takenSet.add(observed.get(value));
            }
            if (op.request() instanceof Request.Cas cas && cas.expectedModRevision() > 0) {
                expected.computeIfAbsent(op.key(), k -> new TreeSet<>()).add(cas.expectedModRevision());
            }
        }
        taken = takenSet.stream().mapToLong(Long::longValue).toArray();
        runEnd = new long[taken.length];
        for (int i = taken.length - 1; i >= 0; i--) {
            runEnd[i] = i + 1 < taken.length && taken[i + 1] == taken[i] + 1 ? runEnd[i + 1] : taken[i];
        }
        expected.forEach((key, revisions) -> compared.put(key,
            revisions.stream().mapToLong(Long::longValue).filter(r -> !isTaken(r)).toArray()));
        answered = new CompletedBefore(history.stream().filter(op -> op.headerRevision() != null).toList());
    }

    /**
     * The operations of one transaction took one revision: where a read saw one of their values, each of
     * its values was written there.
     */
    private void pinTransactions(List<Operation> history) {
        Map<Long, Long> txnRevision = new HashMap<>();
        Map<Long, Long> txnRead = new HashMap<>();
        for (Operation op : history) {
            String value = op.writtenValue();
            if (op.txn() != 0 && value != null && observed.containsKey(value)) {
                txnRevision.putIfAbsent(op.txn(), observed.get(value));
                txnRead.merge(op.txn(), firstRead.get(value), Math::min);
            }
        }
        for (Operation op : history) {
            String value = op.writtenValue();
            if (op.txn() != 0 && value != null && txnRevision.containsKey(op.txn())) {
                observed.putIfAbsent(value, txnRevision.get(op.txn()));
                firstRead.merge(value, txnRead.get(op.txn()), Math::min);
            }
        }
    }

    /** Whether an answered change, or an unanswered one a read saw, took {@code revision}. */
    boolean isTaken(long revision) {
        return Arrays.binarySearch(taken, revision) >= 0;
    }

    /** The mod revision a read saw {@code value} at (the earliest such read's), or null. */
    Long observed(String value) {
        return value == null ? null : observed.get(value);
    }

    /** When the first read that returned {@code value} completed; {@link Long#MAX_VALUE} when none did. */
    long firstRead(String value) {
        return value == null ? Long.MAX_VALUE : firstRead.getOrDefault(value, Long.MAX_VALUE);
    }

    /**
     * The revisions compare-and-swaps on {@code key} compare against that no answered change took: the
     * only revisions at which an unanswered write's number can matter.
     */
    long[] compared(String key) {
        return compared.getOrDefault(key, new long[0]);
    }

    /**
     * The highest header revision of an answered call that completed before {@code invoked}: a change sent
     * at {@code invoked} takes a revision above it.
     */
    long completedBelow(long invoked) {
        Operation highest = answered.highestBefore(invoked);
        return highest == null ? 0 : highest.headerRevision();
    }

    /**
     * The lowest revision above {@code floor} that no answered change took and that none of
     * {@code avoided} is (sorted ascending): where an unanswered change lands when its number matters to
     * nobody.
     */
    long free(long floor, long[] avoided) {
        long r = floor + 1;
        while (isTaken(r) || Arrays.binarySearch(avoided, r) >= 0) {
            r = nextFree(r);
        }
        return r;
    }

    private long nextFree(long r) {
        int i = Arrays.binarySearch(taken, r);
        // Skip the whole run of taken revisions in one go.
        return i < 0 ? r + 1 : runEnd[i] + 1;
    }
}
