package dev.etcdpoc.check;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** {@link RegisterModel} applied to one history. */
final class RegisterSemantics implements Semantics {

    private final List<Operation> history;
    /** Each key's relevant writes, by the value they wrote (or may have): a read's writers, found without a scan. */
    private final Map<String, Map<String, List<Operation>>> writersByKey = new HashMap<>();

    RegisterSemantics(List<Operation> history) {
        this.history = history;
        for (Operation w : history) {
            if (Linearizability.relevant(w) && w.writtenValue() != null) {
                writersByKey.computeIfAbsent(w.key(), k -> new HashMap<>()).computeIfAbsent(w.writtenValue(), v -> new ArrayList<>()).add(w);
            }
        }
    }

    @Override
    public Rules<?> rules(List<Call> calls) {
        return new RegisterRules(calls);
    }

    @Override
    public boolean keysInteract() {
        return false;
    }

    @Override
    public List<List<Operation>> conflicts() {
        return List.of();
    }

    /**
     * A read of a value rests on the writes that may have given it: the last write of that value that
     * completed before the read began, and those of it that overlap the read.
     */
    @Override
    public List<Operation> restsOn(Operation op) {
        if (!(op.response() instanceof Response.Value read) || read.value() == null) {
            return List.of();
        }
        List<Operation> writers = writersOf(read.value(), op.key()).stream()
            .filter(w -> w.invoked() <= op.completed()).toList();
        List<Operation> restsOn = new ArrayList<>(writers.stream().filter(w -> w.completed() >= op.invoked()).toList());
        writers.stream().filter(w -> w.completed() < op.invoked()).max(Comparator.comparingLong(Operation::completed))
            .ifPresent(restsOn::add);
        return restsOn;
    }

    private List<Operation> writersOf(String value, String key) {
        return writersByKey.getOrDefault(key, Map.of()).getOrDefault(value, List.of());
    }

    @Override
    public Optional<String> proof(List<Operation> witness, List<Operation> around) {
        List<Operation> all = new ArrayList<>(witness);
        all.addAll(around);
        return unwrittenRead(witness)
            .or(() -> readBeforeWrite(witness, all))
            .or(() -> staleRead(witness, all))
            .or(() -> absentAfterWrite(witness, all))
            .or(() -> valueWentBack(witness, all));
    }

    /**
     * Two reads, one after the other, the later returning a value every write of which had completed before any
     * write of the earlier read's value began: once the newer value was there, nothing could bring the older back.
     */
    private static Optional<String> valueWentBack(List<Operation> witness, List<Operation> all) {
        for (Operation first : reads(witness)) {
            for (Operation second : reads(witness)) {
                if (!first.key().equals(second.key()) || first.completed() >= second.invoked()
                    || value(first).equals(value(second))) {
                    continue;
                }
                List<Operation> newer = writers(all, first);
                List<Operation> older = writers(all, second);
                long newerBegan = newer.stream().mapToLong(Operation::invoked).min().orElse(Long.MIN_VALUE);
                if (!newer.isEmpty() && !older.isEmpty() && older.stream().allMatch(w -> w.outcome() == Operation.Outcome.OK
                    && w.completed() < newerBegan)) {
                    return Optional.of("get returned " + value(second) + " after a get had returned " + value(first)
                        + ", written after every write of " + value(second) + " had completed: the value went back");
                }
            }
        }
        return Optional.empty();
    }

    /**
     * A read of nothing after a write of a value had completed, and no call that may have deleted the key could
     * come between (only a delete makes a register absent): the write is gone.
     */
    private static Optional<String> absentAfterWrite(List<Operation> witness, List<Operation> all) {
        for (Operation read : witness) {
            if (!(read.response() instanceof Response.Value v && v.value() == null)) {
                continue;
            }
            for (Operation write : witness) {
                boolean wrote = write.key().equals(read.key()) && write.outcome() == Operation.Outcome.OK && write.writtenValue() != null
                    && write.completed() < read.invoked();
                boolean deletable = all.stream().anyMatch(d -> d.key().equals(read.key()) && d.request() instanceof Request.Delete
                    && d.outcome() != Operation.Outcome.FAILED && d.invoked() < read.completed() && d.completed() > write.invoked());
                if (wrote && !deletable) {
                    return Optional.of("get returned nothing but " + write.request().text() + " completed before it began, and no "
                        + "delete could come between (an acknowledged write lost)");
                }
            }
        }
        return Optional.empty();
    }

    private Optional<String> unwrittenRead(List<Operation> witness) {
        for (Operation read : reads(witness)) {
            String value = value(read);
            if (writersOf(value, read.key()).isEmpty()) {
                boolean failedWrite = history.stream().anyMatch(op -> op.outcome() == Operation.Outcome.FAILED
                    && op.key().equals(read.key()) && value.equals(requestedValue(op)));
                return Optional.of("get returned " + value
                    + (failedWrite ? ", a value only a call that failed wrote" : ", a value no call wrote"));
            }
        }
        return Optional.empty();
    }

    private static Optional<String> readBeforeWrite(List<Operation> witness, List<Operation> all) {
        for (Operation read : reads(witness)) {
            List<Operation> writers = writers(all, read);
            if (!writers.isEmpty() && writers.stream().allMatch(w -> w.invoked() > read.completed())) {
                return Optional.of("get returned " + value(read) + " before any call that wrote it was invoked");
            }
        }
        return Optional.empty();
    }

    /** A read of v after a write of another value that completed after every write of v: nothing could restore v. */
    private static Optional<String> staleRead(List<Operation> witness, List<Operation> all) {
        for (Operation read : reads(witness)) {
            List<Operation> writers = writers(all, read);
            for (Operation later : witness) {
                boolean overwrote = later.key().equals(read.key()) && later.outcome() == Operation.Outcome.OK
                    && later.completed() < read.invoked()
                    && (later.request() instanceof Request.Put || later.request() instanceof Request.Delete
                        || later.response() instanceof Response.Compared c && c.succeeded())
                    && !Objects.equals(later.writtenValue(), value(read));
                if (overwrote && !writers.isEmpty() && writers.stream().allMatch(w -> w.outcome() == Operation.Outcome.OK
                    && w.completed() < later.invoked())) {
                    return Optional.of("get returned " + value(read) + " but " + later.request().text()
                        + " completed before it began, after every call that wrote " + value(read)
                        + " (a stale read, or that write was lost)");
                }
            }
        }
        return Optional.empty();
    }

    private static List<Operation> reads(List<Operation> witness) {
        return witness.stream().filter(op -> op.response() instanceof Response.Value v && v.value() != null).toList();
    }

    private static List<Operation> writers(List<Operation> all, Operation read) {
        return all.stream().filter(w -> w.key().equals(read.key()) && value(read).equals(w.writtenValue())).toList();
    }

    private static String value(Operation read) {
        return ((Response.Value) read.response()).value();
    }

    private static String requestedValue(Operation op) {
        if (op.request() instanceof Request.Put put) {
            return put.value();
        }
        return op.request() instanceof Request.CompareAndSet cas ? cas.newValue() : null;
    }
}
