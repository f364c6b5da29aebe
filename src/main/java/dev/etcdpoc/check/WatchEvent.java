package dev.etcdpoc.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One change to one key, as etcd's watches deliver it: {@code revision} is the revision of the
 * transaction that made it (etcd also gives it as the event's mod revision; the events of one
 * transaction share it), {@code value} is null for a delete.
 */
public record WatchEvent(long revision, String key, Type type, String value) {

    public enum Type { PUT, DELETE }

    public WatchEvent {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(type, "type");
        if ((type == Type.DELETE) != (value == null)) {
            throw new IllegalArgumentException("a put has a value and a delete has none: " + type + " " + value);
        }
    }

    public static WatchEvent put(long revision, String key, String value) {
        return new WatchEvent(revision, key, Type.PUT, value);
    }

    public static WatchEvent delete(long revision, String key) {
        return new WatchEvent(revision, key, Type.DELETE, null);
    }

    /**
     * The events a history's writes are known to have made: those of its acknowledged puts, successful
     * cas and deletes that deleted something, and of its unanswered puts and cas whose value a read
     * returned (at the mod revision it was read at). Unanswered writes nobody read, and unanswered
     * deletes, may have made events too, at revisions nobody knows: add those yourself if you know them.
     */
    public static List<WatchEvent> writtenBy(List<Operation> history) {
        Map<String, Long> read = KeyHistory.observedRevisions(history);
        List<WatchEvent> events = new ArrayList<>();
        for (Operation op : history) {
            Long revision = op.revisionMade();
            if (op.response() instanceof Response.Deleted && revision != null) {
                events.add(delete(revision, op.key()));
            } else if (op.writtenValue() != null) {
                revision = revision != null ? revision : read.get(op.writtenValue());
                if (revision != null) {
                    events.add(put(revision, op.key(), op.writtenValue()));
                }
            }
        }
        return events;
    }

    /** One short text, such as {@code PUT k=v7@rev41}. */
    public String text() {
        return type == Type.PUT ? "PUT " + key + "=" + value + "@rev" + revision : "DELETE " + key + "@rev" + revision;
    }
}
