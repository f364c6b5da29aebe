package dev.etcdpoc.support;

import static dev.etcdpoc.core.Bytes.bytes;

import dev.etcdpoc.core.Await;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Every change under a prefix from the moment the log is opened, seen by the test's own client:
 * what a section really stored, independent of what it printed.
 */
public final class WatchLog implements AutoCloseable {
    private final List<Change> changes = new ArrayList<>();
    private final Watch.Watcher watcher;

    /** Starts at the revision after "now", so no change made after this constructor returns can be missed. */
    public WatchLog(Etcd etcd, String prefix) {
        long next = etcd.revision() + 1;
        watcher = etcd.client().getWatchClient().watch(bytes(prefix),
            WatchOption.builder().isPrefix(true).withRevision(next).build(), Watch.listener(this::add));
    }

    private synchronized void add(WatchResponse response) {
        response.getEvents().forEach(e -> changes.add(Change.of(e)));
        notifyAll();
    }

    /** The changes up to and including the first that matches {@code last}, waiting for it at most {@code within}. */
    public synchronized List<Change> until(Predicate<Change> last, Duration within) throws InterruptedException {
        Await.until(this, within, () -> changes.stream().anyMatch(last),
            () -> "the awaited change did not arrive within " + within + "; seen: " + changes);
        int end = changes.indexOf(changes.stream().filter(last).findFirst().orElseThrow());
        return List.copyOf(changes.subList(0, end + 1));
    }

    @Override
    public void close() {
        watcher.close();
    }
}
