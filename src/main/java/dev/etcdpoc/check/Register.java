package dev.etcdpoc.check;

/**
 * The model's state of one key: its value (null when absent), its mod revision (0 when absent,
 * {@link #SYMBOLIC} when written by a call whose revision nobody saw) and {@code floor}, a lower bound on
 * etcd's store revision at this point. The floor is why revisions can only grow: each call with a known
 * header revision must be at or above it, and a write strictly above it.
 */
record Register(String value, long modRevision, long floor) {

    /** The mod revision of a value whose revision is unknown; equal to no real revision (those are >= 0). */
    static final long SYMBOLIC = -1;

    /** A key that was never written. */
    static final Register ABSENT = new Register(null, 0, 0);

    /**
     * What stands for any value no read returned: such values differ in nothing a later call can see (no
     * read matches them, no compare matches {@link #SYMBOLIC}), so one state stands for them all.
     */
    private static final String UNSEEN = "(unseen)";

    /** The key holding a value nobody read, at store revision at least {@code floor}. */
    static Register unseen(long floor) {
        return new Register(UNSEEN, SYMBOLIC, floor);
    }

    boolean exists() {
        return value != null;
    }

    /** The same key, seen at store revision {@code revision} (a read: nothing changes). */
    Register seenAt(long revision) {
        return new Register(value, modRevision, revision);
    }
}
