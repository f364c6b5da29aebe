package dev.etcdpoc.checkrun;

import dev.etcdpoc.check.Operation;
import java.util.ArrayList;
import java.util.List;

/** Every call the run's clients made, as they recorded it: what the checker reads. */
final class History {
    private final List<Operation> operations = new ArrayList<>();

    synchronized void add(Operation operation) {
        operations.add(operation);
    }

    synchronized List<Operation> operations() {
        return List.copyOf(operations);
    }
}
