package dev.etcdpoc.check;

import java.util.List;
import java.util.Objects;

/**
 * Everything a run recorded, as a history file holds it: the calls, what the watches delivered, and for
 * the reader of a timeline the faults (spans of time) and instants worth marking. Times are nanoseconds
 * on one clock, any origin.
 */
public record RecordedHistory(List<Operation> operations, List<RecordedWatch> watches, List<Band> faults, List<Mark> marks) {

    /** A span of time to shade on a timeline, such as a fault: from when it was injected to when it ended. */
    public record Band(long from, long to, String label) {
        public Band {
            Objects.requireNonNull(label, "label");
            if (to < from) {
                throw new IllegalArgumentException("a band ends (" + to + ") before it starts (" + from + ")");
            }
        }
    }

    /** An instant to mark on a timeline, such as "failover: replica promoted". */
    public record Mark(long at, String label) {
        public Mark {
            Objects.requireNonNull(label, "label");
        }
    }

    public RecordedHistory {
        operations = List.copyOf(operations);
        watches = List.copyOf(watches);
        faults = List.copyOf(faults);
        marks = List.copyOf(marks);
    }

    /** Only calls, as a team's own service records them. */
    public static RecordedHistory of(List<Operation> operations) {
        return new RecordedHistory(operations, List.of(), List.of(), List.of());
    }
}
