package dev.etcdpoc.checkrun;

import dev.etcdpoc.check.Operation;
import java.util.ArrayList;
import java.util.List;

/** Every call the run's clients made, as they recorded it: what the checker reads. */
public final class History {
    private final List<Operation> operations = new ArrayList<>();

    public synchronized void add(Operation operation) {
        operations.add(operation);
    }

    public synchronized List<Operation> operations() {
        return List.copyOf(operations);
    }
}
