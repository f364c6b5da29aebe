package dev.etcdpoc.versus;

import java.util.ArrayList;
import java.util.List;

/** Who held the lock when, by the workers' own clock, and what each wrote meanwhile, as they recorded it. */
final class LockLog {
    /** How a hold ended, as the worker saw it. */
    enum End {
        /** It released the lock. */
        RELEASED,
        /** Its time-to-live ran out, by its own clock, before it released it. */
        EXPIRED,
        /** A write was refused: the lock was gone (etcd's fence). */
        LOST
    }

    /** A hold: from the answer that granted the lock to the moment the worker stopped counting on it. */
    record Hold(int worker, long acquired, long until, End end) {
    }

    /** What became of a write to the shared record. */
    enum Outcome {
        /** Answered OK: the store took it. */
        ACCEPTED,
        /** Refused: etcd's fence found the lock gone (or a Redis refusal). */
        REFUSED,
        /** No answer, or an error: it may or may not have been taken. */
        UNKNOWN
    }

    /** A write to the shared record by a worker that believed it held the lock (the hold it began at: {@code holdAcquired}). */
    record Write(int worker, long holdAcquired, long invoked, long completed, String value, Outcome outcome) {
    }

    private final List<Hold> holds = new ArrayList<>();
    private final List<Write> writes = new ArrayList<>();

    synchronized void hold(Hold hold) {
        holds.add(hold);
    }

    synchronized void write(Write write) {
        writes.add(write);
    }

    synchronized List<Hold> holds() {
        return List.copyOf(holds);
    }

    synchronized List<Write> writes() {
        return List.copyOf(writes);
    }
}
