package dev.etcdpoc.check;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

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
        Revisions read = new Revisions(history);
        List<WatchEvent> events = new ArrayList<>();
        for (Operation op : history) {
            Long revision = op.revisionMade();
            if (op.response() instanceof Response.Deleted && revision != null) {
                events.add(delete(revision, op.key()));
            } else if (op.writtenValue() != null) {
                revision = revision != null ? revision : read.observed(op.writtenValue());
                if (revision != null) {
                    events.add(put(revision, op.key(), op.writtenValue()));
                }
            }
        }
        return events;
    }

    /**
     * The events {@link #writtenBy(List)} knows, and those of the history's unanswered writes that the
     * watches delivered: an unanswered put or cas whose (unique) value a watch delivered is placed at the
     * lowest revision one delivered it at, and a delete event nothing else explains is ascribed to an
     * unanswered delete of its key, one event per delete. This is how etcd's robustness tests learn where
     * writes without an answer landed. What no unanswered write can explain is left out, so a watch that
     * delivers it is still reported inaccurate: a value written by an acknowledged call at another
     * revision (a write applied twice), or a delete nobody sent.
     */
    public static List<WatchEvent> writtenBy(List<Operation> history, List<RecordedWatch> watches) {
        List<WatchEvent> events = new ArrayList<>(writtenBy(history));
        Set<WrittenEvents.At> places = new HashSet<>();
        Set<String> placedValues = new HashSet<>();
        for (WatchEvent event : events) {
            places.add(WrittenEvents.At.of(event));
            placedValues.add(event.value());
        }
        Map<String, String> unansweredValues = new HashMap<>();
        Map<String, Integer> unansweredDeletes = new HashMap<>();
        for (Operation op : history) {
            if (op.outcome() != Operation.Outcome.UNKNOWN) {
                continue;
            }
            if (op.request() instanceof Request.Delete) {
                unansweredDeletes.merge(op.key(), 1, Integer::sum);
            } else if (op.writtenValue() != null && !placedValues.contains(op.writtenValue())) {
                unansweredValues.put(op.writtenValue(), op.key());
            }
        }
        List<WatchEvent> delivered = watches.stream().flatMap(w -> w.segments().stream())
            .flatMap(s -> s.responses().stream()).flatMap(List::stream)
            .sorted(Comparator.comparingLong(WatchEvent::revision)).toList();
        for (WatchEvent event : delivered) {
            WrittenEvents.At place = WrittenEvents.At.of(event);
            if (places.contains(place)) {
                continue;
            }
            boolean explained = event.type() == Type.PUT
                ? unansweredValues.remove(event.value(), event.key())
                : unansweredDeletes.merge(event.key(), -1, Integer::sum) >= 0;
            if (explained) {
                events.add(event);
                places.add(place);
            }
        }
        return events;
    }

    /** One short text, such as {@code PUT k=v7@rev41}. */
    public String text() {
        return type == Type.PUT ? "PUT " + key + "=" + value + "@rev" + revision : "DELETE " + key + "@rev" + revision;
    }
}
