package dev.etcdpoc.check;

import java.util.List;

/**
 * Checks what watches delivered against the events that were written (etcd's watch guarantees, see
 * {@link WatchReport.Property}). The written events are the authority: derive them from the recorded
 * writes ({@link WatchEvent#writtenBy}) and add any other writes known to have happened in the watched
 * ranges; a delivered event that is not among them counts as inaccurate.
 */
public final class WatchGuarantees {

    private WatchGuarantees() {
    }

    /** @throws IllegalArgumentException when two written events have one revision and key */
    public static WatchReport check(List<WatchEvent> written, List<RecordedWatch> watches) {
        WrittenEvents events = new WrittenEvents(written);
        int delivered = watches.stream().flatMap(w -> w.segments().stream())
            .flatMap(s -> s.responses().stream()).mapToInt(List::size).sum();
        return new WatchReport(watches.size(), delivered,
            watches.stream().flatMap(w -> WatchCheck.violations(w, events).stream()).toList());
    }
}
