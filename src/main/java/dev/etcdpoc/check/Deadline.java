package dev.etcdpoc.check;

import java.time.Duration;

/** A point on {@link System#nanoTime()}'s clock after which work gives up, or none. */
record Deadline(long at, boolean limited) {

    static final Deadline NONE = new Deadline(0, false);

    /** {@code limit} from now; null means no limit. */
    static Deadline after(Duration limit) {
        return limit == null ? NONE : new Deadline(System.nanoTime() + limit.toNanos(), true);
    }

    boolean passed() {
        return limited && System.nanoTime() - at > 0;
    }
}
