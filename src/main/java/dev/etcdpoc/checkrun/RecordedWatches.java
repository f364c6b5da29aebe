package dev.etcdpoc.checkrun;

import static dev.etcdpoc.core.Bytes.bytes;
import static dev.etcdpoc.core.Bytes.text;

import dev.etcdpoc.check.RecordedWatch;
import dev.etcdpoc.check.WatchEvent;
import dev.etcdpoc.failover.ResumingWatch;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The check's watches on its whole prefix, opened at points of the run, each resumed after a failure
 * from the revision after the last event it delivered ({@link ResumingWatch}); what they delivered,
 * response by response, goes to the checker.
 */
final class RecordedWatches implements AutoCloseable {
    private final Watch watch;
    private final String prefix;
    private final List<ResumingWatch> open = new ArrayList<>();

    RecordedWatches(Watch watch, String prefix) {
        this.watch = watch;
        this.prefix = prefix;
    }

    /** Opens one more watch on the prefix, from {@code revision} on. */
    void open(long revision) {
        open.add(ResumingWatch.prefix(watch, bytes(prefix), revision));
    }

    int count() {
        return open.size();
    }

    /** Waits until every watch delivered {@code revision}: the run's last write. */
    void awaitRevision(long revision, Duration within) throws InterruptedException {
        for (ResumingWatch w : open) {
            w.awaitRevision(revision, within);
        }
    }

    /** What each watch delivered, as the checker reads it: watch 1, 2, ... in the order they were opened. */
    List<RecordedWatch> recorded() {
        List<RecordedWatch> recorded = new ArrayList<>();
        for (int i = 0; i < open.size(); i++) {
            List<RecordedWatch.Segment> segments = open.get(i).segments().stream()
                .map(s -> new RecordedWatch.Segment(s.fromRevision(),
                    s.responses().stream().map(events -> events.stream().map(RecordedWatches::event).toList()).toList(),
                    s.receivedAt()))
                .toList();
            recorded.add(new RecordedWatch(String.valueOf(i + 1), prefix, segments));
        }
        return recorded;
    }

    /** How many times the watches were opened again after a failure, all together. */
    int resumes() {
        return open.stream().mapToInt(ResumingWatch::resumes).sum();
    }

    private static WatchEvent event(io.etcd.jetcd.watch.WatchEvent event) {
        KeyValue kv = event.getKeyValue();
        // A delete's event carries the key with the deleting revision as its mod revision.
        return switch (event.getEventType()) {
            case PUT -> WatchEvent.put(kv.getModRevision(), text(kv.getKey()), text(kv.getValue()));
            case DELETE -> WatchEvent.delete(kv.getModRevision(), text(kv.getKey()));
            case UNRECOGNIZED -> throw new IllegalStateException("a watch event of unknown type at revision " + kv.getModRevision());
        };
    }

    @Override
    public void close() {
        open.forEach(ResumingWatch::close);
    }
}
