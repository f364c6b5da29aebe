package dev.etcdpoc.check;

import java.util.List;
import java.util.Objects;

/**
 * What one watch on a key prefix delivered, response by response. A watch resumed after a failure has
 * one segment per stream, each from the revision it was (re)started at.
 *
 * @param name   how violations name the watch
 * @param prefix the watched keys are those starting with it
 */
public record RecordedWatch(String name, String prefix, List<Segment> segments) {

    /**
     * One stream of the watch.
     *
     * @param startRevision the revision it was started from; 0 when "from now", whose first event
     *                      cannot be checked
     * @param responses     the responses in the order they came, each the events it carried
     * @param deliveredAt   when each response came (nanoseconds, on the calls' clock), for a timeline;
     *                      empty when not recorded
     */
    public record Segment(long startRevision, List<List<WatchEvent>> responses, List<Long> deliveredAt) {
        public Segment {
            responses = responses.stream().map(List::copyOf).toList();
            deliveredAt = List.copyOf(deliveredAt);
            if (!deliveredAt.isEmpty() && deliveredAt.size() != responses.size()) {
                throw new IllegalArgumentException(responses.size() + " responses but " + deliveredAt.size() + " delivery times");
            }
        }

        /** A stream whose delivery times were not recorded. */
        public Segment(long startRevision, List<List<WatchEvent>> responses) {
            this(startRevision, responses, List.of());
        }
    }

    public RecordedWatch {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(prefix, "prefix");
        segments = List.copyOf(segments);
    }

    boolean watches(String key) {
        return key.startsWith(prefix);
    }
}
