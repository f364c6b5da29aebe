package dev.etcdpoc.check;

/**
 * What came back for a request. {@link Failed} and {@link Unknown} fit any request; each of the others
 * fits one kind ({@link Operation} checks the pairing). etcd's answers carry revisions: {@code revision} is
 * the response header's, {@code modRevision} the key's. A plain register's answers ({@link Value}, {@link Ok},
 * {@link Removed}, {@link Compared}) carry none.
 */
public sealed interface Response {

    /** Definitely not applied (for a read: no information). */
    Failed FAILED = new Failed();
    /** May or may not have been applied, now or later; nothing is known of its revision. */
    Unknown UNKNOWN = new Unknown();

    /** One short text, such as {@code ok, rev 41}. */
    String text();

    /** See {@link #FAILED}. */
    record Failed() implements Response {
        @Override
        public String text() {
            return "failed";
        }
    }

    /** See {@link #UNKNOWN}. */
    record Unknown() implements Response {
        @Override
        public String text() {
            return "unknown";
        }
    }

    /** A put's OK: the new value's mod revision is {@code revision}. */
    record Written(long revision) implements Response {
        @Override
        public String text() {
            return "ok, rev " + revision;
        }
    }

    /**
     * A get's OK: {@code value} null when the key was absent, and then {@code modRevision} 0.
     */
    record Read(String value, long modRevision, long revision) implements Response {
        public Read {
            if ((value == null) != (modRevision == 0)) {
                throw new IllegalArgumentException("a read of an absent key has mod revision 0, and only it: "
                    + value + "@rev" + modRevision);
            }
            if (modRevision > revision) {
                throw new IllegalArgumentException("mod revision " + modRevision + " above header revision " + revision);
            }
        }

        /** The key was absent at header revision {@code revision}. */
        public static Read absent(long revision) {
            return new Read(null, 0, revision);
        }

        @Override
        public String text() {
            return (value == null ? "absent" : value + "@rev" + modRevision) + " (rev " + revision + ")";
        }
    }

    /** A delete's OK: {@code count} keys deleted, 0 or 1. */
    record Deleted(int count, long revision) implements Response {
        public Deleted {
            if (count != 0 && count != 1) {
                throw new IllegalArgumentException("a delete of one key deletes 0 or 1, not " + count);
            }
        }

        @Override
        public String text() {
            return "deleted " + count + " (rev " + revision + ")";
        }
    }

    /** A cas's OK: on success the new value's mod revision is {@code revision}. */
    record Swapped(boolean succeeded, long revision) implements Response {
        @Override
        public String text() {
            return (succeeded ? "succeeded" : "compare failed") + " (rev " + revision + ")";
        }
    }

    /** A register's read: the value, {@code null} when the key was absent. */
    record Value(String value) implements Response {
        @Override
        public String text() {
            return value == null ? "absent" : value;
        }
    }

    /** A register's acknowledged put. */
    record Ok() implements Response {
        @Override
        public String text() {
            return "ok";
        }
    }

    /** A register's delete: {@code count} keys removed, 0 or 1. */
    record Removed(int count) implements Response {
        public Removed {
            if (count != 0 && count != 1) {
                throw new IllegalArgumentException("a delete of one key removes 0 or 1, not " + count);
            }
        }

        @Override
        public String text() {
            return "removed " + count;
        }
    }

    /** A register's compare-and-set: whether the value matched and the new one was written. */
    record Compared(boolean succeeded) implements Response {
        @Override
        public String text() {
            return succeeded ? "succeeded" : "compare failed";
        }
    }
}
