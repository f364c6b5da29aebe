package dev.etcdpoc.check;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/** The authoritative events, looked up by revision and key, or by revision within a watched range. */
final class WrittenEvents {

    /** Where an event is: a revision and a key. */
    record At(long revision, String key) {
        static At of(WatchEvent event) {
            return new At(event.revision(), event.key());
        }
    }

    private final Map<At, WatchEvent> byPlace = new HashMap<>();
    private final NavigableMap<Long, List<WatchEvent>> byRevision = new TreeMap<>();

    /** @throws IllegalArgumentException when two events have the same revision and key */
    WrittenEvents(List<WatchEvent> events) {
        for (WatchEvent event : events) {
            WatchEvent other = byPlace.putIfAbsent(At.of(event), event);
            if (other != null) {
                throw new IllegalArgumentException("two written events at one revision and key: " + other.text()
                    + " and " + event.text());
            }
            byRevision.computeIfAbsent(event.revision(), r -> new ArrayList<>()).add(event);
        }
    }

    /** The event written at that revision and key; null when none. */
    WatchEvent at(At place) {
        return byPlace.get(place);
    }

    /** The events written at {@code revision} in the watch's range. */
    List<WatchEvent> at(long revision, RecordedWatch watch) {
        return byRevision.getOrDefault(revision, List.of()).stream().filter(e -> watch.watches(e.key())).toList();
    }

    /** The events in the watch's range with revisions from {@code first} to {@code last}, in order. */
    List<WatchEvent> between(long first, long last, RecordedWatch watch) {
        return byRevision.subMap(first, true, last, true).values().stream().flatMap(List::stream)
            .filter(e -> watch.watches(e.key())).toList();
    }

    /** The lowest revision at or after {@code from} with an event in the watch's range; null when none. */
    Long firstFrom(long from, RecordedWatch watch) {
        for (Map.Entry<Long, List<WatchEvent>> entry : byRevision.tailMap(from, true).entrySet()) {
            if (entry.getValue().stream().anyMatch(e -> watch.watches(e.key()))) {
                return entry.getKey();
            }
        }
        return null;
    }
}
