package dev.etcdpoc.check;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the search places at one instant: one operation, or every operation of one transaction, which
 * take effect together or not at all. A transaction's operations share client, times and outcome.
 */
record Call(List<Operation> ops) {

    Call {
        ops = List.copyOf(ops);
        if (ops.isEmpty()) {
            throw new IllegalArgumentException("a call has at least one operation");
        }
    }

    static Call of(Operation op) {
        return new Call(List.of(op));
    }

    Operation first() {
        return ops.get(0);
    }

    long invoked() {
        return first().invoked();
    }

    long completed() {
        return first().completed();
    }

    Operation.Outcome outcome() {
        return first().outcome();
    }

    boolean answered() {
        return outcome() == Operation.Outcome.OK;
    }

    boolean transaction() {
        return first().txn() != 0;
    }

    /**
     * The calls of {@code history}, in invocation order: each operation alone, or a transaction's operations
     * together.
     *
     * @throws IllegalArgumentException when a transaction's operations disagree on client, times or outcome,
     *                                  or touch one key twice
     */
    static List<Call> of(List<Operation> history) {
        Map<Long, List<Operation>> transactions = new LinkedHashMap<>();
        List<Call> calls = new ArrayList<>();
        for (Operation op : history) {
            if (op.txn() == 0) {
                calls.add(of(op));
            } else {
                transactions.computeIfAbsent(op.txn(), t -> new ArrayList<>()).add(op);
            }
        }
        for (Map.Entry<Long, List<Operation>> txn : transactions.entrySet()) {
            requireOneCall(txn.getKey(), txn.getValue());
            calls.add(new Call(txn.getValue()));
        }
        calls.sort(Comparator.comparingLong(Call::invoked));
        return calls;
    }

    private static void requireOneCall(long txn, List<Operation> ops) {
        Operation first = ops.get(0);
        Set<String> keys = new HashSet<>();
        for (Operation op : ops) {
            if (op.client() != first.client() || op.invoked() != first.invoked() || op.completed() != first.completed()
                || op.outcome() != first.outcome()) {
                throw new IllegalArgumentException("txn " + txn + " is one call, but its operations differ in client, times "
                    + "or outcome: " + first.request().text() + " and " + op.request().text());
            }
            if (!keys.add(op.key())) {
                throw new IllegalArgumentException("txn " + txn + " writes " + op.key() + " twice; etcd refuses that");
            }
        }
    }
}
