package dev.etcdpoc.checkrun;

import dev.etcdpoc.check.Operation;
import java.util.ArrayList;
import java.util.List;

/** Every call the run's clients made, as they recorded it: what the checker reads. */
public final class History {
    private final List<Operation> operations = new ArrayList<>();
    private long transactions;

    public synchronized void add(Operation operation) {
        operations.add(operation);
    }

    /** A number for the next transaction: its operations are recorded with it ({@link Operation#txn()}). */
    synchronized long nextTransaction() {
        return ++transactions;
    }

    public synchronized List<Operation> operations() {
        return List.copyOf(operations);
    }
}
