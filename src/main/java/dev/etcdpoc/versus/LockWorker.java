package dev.etcdpoc.versus;

/**
 * One worker of the lock workload, on either system: it takes the lock, and while it holds it (by its own
 * clock: until it releases it or the lock's time-to-live runs out, counted from when it asked) writes
 * {@link #WRITES} values to the shared record, then releases the lock. What it did goes to a {@link LockLog}.
 */
interface LockWorker {
    /** Writes per hold. */
    int WRITES = 3;
    /** The lock's time-to-live: etcd's lease TTL, Redis's PX. Long against a hold (a few ms), short against a fault. */
    long TTL_MS = 2000;

    int id();

    /** Takes the lock once (or gives up after one try that failed), writes, releases. */
    void holdOnce();
}
