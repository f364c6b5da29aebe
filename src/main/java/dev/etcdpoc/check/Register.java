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

    boolean exists() {
        return value != null;
    }

    /** The same key, seen at store revision {@code revision} (a read: nothing changes). */
    Register seenAt(long revision) {
        return new Register(value, modRevision, revision);
    }

    String text() {
        if (value == null) {
            return "absent";
        }
        return modRevision == SYMBOLIC ? value + "@rev?" : value + "@rev" + modRevision;
    }
}
