package dev.etcdpoc.versus;

import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One worker of the lock workload, on either system: it takes the lock, and while it holds it (by its own
 * clock: until it releases it or the lock's time-to-live runs out, counted from when it asked) writes
 * {@link #WRITES} values to the shared record, then releases the lock. What it did goes to a {@link LockLog}.
 */
abstract class LockWorker {
    /** Writes per hold. */
    static final int WRITES = 3;
    /** The lock's time-to-live: etcd's lease TTL, Redis's PX. Long against a hold (a few ms), short against a fault. */
    static final long TTL_MS = 2000;

    private final int id;
    private final LockLog log;
    private int holds;

    LockWorker(int id, LockLog log) {
        this.id = id;
        this.log = log;
    }

    int id() {
        return id;
    }

    /** Takes the lock once (or gives up after one try that failed), writes, releases. */
    abstract void holdOnce();

    /** A token of its own for the next hold: "w2.17", worker 2's 17th; its writes are "w2.17/1", ... */
    String nextToken() {
        return "w" + id + "." + ++holds;
    }

    /**
     * What every worker does once granted the lock: up to {@link #WRITES} writes of {@code token/1},
     * {@code token/2}... through {@code write}, each only while the lock is still its own by its clock
     * (the TTL counted from {@code asked}), stopping at a refusal; then the hold, logged. The caller
     * releases the lock afterwards.
     *
     * @param acquired when the answer that granted the lock came
     * @param write    one write of a value to the shared record, and what became of it
     */
    void writeWhileHeld(String token, long asked, long acquired, Function<String, LockLog.Outcome> write) {
        long validUntil = asked + TimeUnit.MILLISECONDS.toNanos(TTL_MS);
        LockLog.End end = LockLog.End.RELEASED;
        for (int i = 1; i <= WRITES; i++) {
            if (System.nanoTime() >= validUntil) {
                end = LockLog.End.EXPIRED;
                break;
            }
            String value = token + "/" + i;
            long invoked = System.nanoTime();
            LockLog.Outcome outcome = write.apply(value);
            long completed = outcome == LockLog.Outcome.UNKNOWN ? Long.MAX_VALUE : System.nanoTime();
            log.write(new LockLog.Write(id, acquired, invoked, completed, value, outcome));
            if (outcome == LockLog.Outcome.REFUSED) {
                end = LockLog.End.LOST;
                break;
            }
        }
        long releasing = System.nanoTime();
        if (releasing >= validUntil && end == LockLog.End.RELEASED) {
            end = LockLog.End.EXPIRED;
        }
        log.hold(new LockLog.Hold(id, acquired, Math.min(releasing, validUntil), end));
    }
}
