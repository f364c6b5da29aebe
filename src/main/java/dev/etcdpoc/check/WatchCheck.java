package dev.etcdpoc.check;

import dev.etcdpoc.check.WatchReport.Property;
import dev.etcdpoc.check.WatchReport.Violation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks one watch's deliveries against the written events, guarantee by guarantee (as etcd's
 * robustness tests do): ordered, unique, atomic, reliable, resumable, accurate. The watch's segments are
 * taken as one stream, as a resumed watch should look.
 */
final class WatchCheck {

    private final RecordedWatch watch;
    private final WrittenEvents written;
    private final List<Violation> violations = new ArrayList<>();
    private final Set<WrittenEvents.At> delivered = new HashSet<>();
    private final Set<Long> splitRevisions = new HashSet<>();

    private WatchCheck(RecordedWatch watch, WrittenEvents written) {
        this.watch = watch;
        this.written = written;
    }

    static List<Violation> violations(RecordedWatch watch, WrittenEvents written) {
        WatchCheck check = new WatchCheck(watch, written);
        check.run();
        return check.violations;
    }

    private void run() {
        long previous = Long.MIN_VALUE;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        int number = 0;
        for (RecordedWatch.Segment segment : watch.segments()) {
            checkStart(segment, ++number);
            for (List<WatchEvent> response : segment.responses()) {
                checkWhole(response);
                for (WatchEvent event : response) {
                    if (event.revision() < previous) {
                        add(Property.ORDERED, "revision " + event.revision() + " came after revision " + previous);
                    }
                    previous = event.revision();
                    if (watch.watches(event.key())) {
                        first = Math.min(first, event.revision());
                        last = Math.max(last, event.revision());
                    }
                    if (!delivered.add(WrittenEvents.At.of(event))) {
                        add(Property.UNIQUE, event.text() + " delivered again");
                    }
                    checkAccurate(event);
                }
            }
        }
        // Events outside the range are inaccurate; they say nothing about which revisions it spans.
        if (first <= last) {
            checkNoGap(first, last);
        }
    }

    private void checkStart(RecordedWatch.Segment segment, int number) {
        WatchEvent firstEvent = segment.responses().stream().flatMap(List::stream).findFirst().orElse(null);
        long start = segment.startRevision();
        if (start <= 0 || firstEvent == null) {
            return;
        }
        Long expected = written.firstFrom(start, watch);
        long seen = firstEvent.revision();
        String from = "segment " + number + " (from revision " + start + ") began with revision " + seen;
        if (expected == null) {
            add(Property.RESUMABLE, from + ", but nothing in range was written from " + start + " on");
        } else if (seen < start) {
            add(Property.RESUMABLE, from + ", before its start; expected revision " + expected);
        } else if (seen > expected) {
            add(Property.RESUMABLE, from + ", skipping revision " + expected + " " + keys(written.at(expected, watch)));
        } else if (seen < expected) {
            add(Property.RESUMABLE, from + ", but the first write in range from " + start + " is at revision " + expected);
        }
    }

    /** Atomic: a response that carries some of a revision's events in range carries all of them. */
    private void checkWhole(List<WatchEvent> response) {
        for (long revision : response.stream().map(WatchEvent::revision).collect(Collectors.toCollection(HashSet::new))) {
            List<WatchEvent> expected = written.at(revision, watch);
            Set<String> carried = response.stream().filter(e -> e.revision() == revision).map(WatchEvent::key)
                .collect(Collectors.toSet());
            List<WatchEvent> missing = expected.stream().filter(e -> !carried.contains(e.key())).toList();
            if (!missing.isEmpty() && splitRevisions.add(revision)) {
                add(Property.ATOMIC, "revision " + revision + " came split: a response carried " + carried.size()
                    + " of its " + expected.size() + " events, without " + keys(missing));
            }
        }
    }

    private void checkAccurate(WatchEvent event) {
        WatchEvent truth = written.at(WrittenEvents.At.of(event));
        if (!watch.watches(event.key())) {
            add(Property.ACCURATE, "delivered " + event.text() + ", outside its prefix " + watch.prefix());
        } else if (truth == null) {
            add(Property.ACCURATE, "delivered " + event.text() + ", but nothing was written to " + event.key()
                + " at revision " + event.revision());
        } else if (!truth.equals(event)) {
            add(Property.ACCURATE, "delivered " + event.text() + ", but what was written there is " + truth.text());
        }
    }

    /** Reliable: nothing in range between the first and the last revision delivered is missing. */
    private void checkNoGap(long first, long last) {
        for (WatchEvent event : written.between(first, last, watch)) {
            if (!delivered.contains(WrittenEvents.At.of(event))) {
                add(Property.RELIABLE, "never delivered " + event.text() + " (it delivered revisions " + first
                    + " to " + last + ")");
            }
        }
    }

    private static String keys(List<WatchEvent> events) {
        return events.stream().map(WatchEvent::key).collect(Collectors.joining(", ", "(", ")"));
    }

    private void add(Property property, String detail) {
        violations.add(new Violation(watch.name(), property, detail));
    }
}
