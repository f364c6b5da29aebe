package dev.etcdpoc.failover;

import static dev.etcdpoc.core.Bytes.text;

import dev.etcdpoc.core.Await;
import dev.etcdpoc.core.Durations;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A prefix watch that survives member deaths. jetcd resumes a watch by itself after UNAVAILABLE,
 * but after other errors ("no leader", a closed stream) it ends the watch (jetcd issue 1352); then
 * this watches again from the revision after the last event seen, so no event is lost or repeated.
 * What each stream delivered is kept, response by response ({@link #segments()}), for a checker.
 */
public final class ResumingWatch implements AutoCloseable {
    /** One event as seen: its revision and key. */
    public record Seen(long revision, String key) {
    }

    /**
     * One stream of the watch: the revision it was (re)started from, the events of each of its responses, and
     * when each came ({@link System#nanoTime()}).
     */
    public record Segment(long fromRevision, List<List<WatchEvent>> responses, List<Long> receivedAt) {
    }

    private static final long REOPEN_DELAY_MS = 100;

    private final Watch watch;
    private final ByteSequence prefix;
    private final List<Seen> seen = new ArrayList<>();
    private final List<Segment> segments = new ArrayList<>();
    private long lastRevision;
    private int resumes;
    /** Between a stream's failure and the next one's start. */
    private boolean reopening;
    private Watch.Watcher watcher;
    private boolean closed;

    private ResumingWatch(Watch watch, ByteSequence prefix, long fromRevision) {
        this.watch = watch;
        this.prefix = prefix;
        this.lastRevision = fromRevision - 1;
    }

    /** Watches every key under {@code prefix} from {@code fromRevision} on. */
    public static ResumingWatch prefix(Watch watch, ByteSequence prefix, long fromRevision) {
        ResumingWatch w = new ResumingWatch(watch, prefix, fromRevision);
        synchronized (w) {
            w.open();
        }
        return w;
    }

    private void open() {
        WatchOption option = WatchOption.builder().isPrefix(true).withRevision(lastRevision + 1)
            // A member cut off from the leader errors the stream instead of going silent.
            .withRequireLeader(true).build();
        Segment segment = new Segment(lastRevision + 1, new ArrayList<>(), new ArrayList<>());
        segments.add(segment);
        watcher = watch.watch(prefix, option, Watch.listener(r -> onResponse(segment, r), e -> onError(segment, e)));
    }

    /** True while {@code segment} is the stream in use: a watcher given up on may still call back, and is not listened to. */
    private boolean current(Segment segment) {
        return !closed && segments.get(segments.size() - 1) == segment;
    }

    private synchronized void onResponse(Segment segment, WatchResponse response) {
        if (!current(segment) || response.getEvents().isEmpty()) {
            return;
        }
        segment.responses().add(List.copyOf(response.getEvents()));
        segment.receivedAt().add(System.nanoTime());
        for (WatchEvent event : response.getEvents()) {
            seen.add(new Seen(event.getKeyValue().getModRevision(), text(event.getKeyValue().getKey())));
            lastRevision = Math.max(lastRevision, event.getKeyValue().getModRevision());
        }
        notifyAll();
    }

    private synchronized void onError(Segment segment, Throwable error) {
        if (!current(segment) || reopening) {
            return;
        }
        reopening = true;
        resumes++;
        watcher.close();
        // While no member has a leader every new watch fails at once; wait a little between tries.
        CompletableFuture.delayedExecutor(REOPEN_DELAY_MS, TimeUnit.MILLISECONDS).execute(this::reopen);
    }

    private synchronized void reopen() {
        reopening = false;
        if (!closed) {
            open();
        }
    }

    /** Waits until the watch has seen {@code revision}. */
    public synchronized void awaitRevision(long revision, Duration within) throws InterruptedException {
        Await.until(this, within, () -> lastRevision >= revision,
            () -> "the watch reached revision " + lastRevision + ", not " + revision + ", within " + Durations.format(within));
    }

    /** Every event seen so far, in arrival order. */
    public synchronized List<Seen> seen() {
        return List.copyOf(seen);
    }

    /** Every stream so far, in order, with what it delivered. */
    public synchronized List<Segment> segments() {
        return segments.stream().map(g -> new Segment(g.fromRevision(), List.copyOf(g.responses()), List.copyOf(g.receivedAt())))
            .toList();
    }

    /** How often the watch had to be opened again. */
    public synchronized int resumes() {
        return resumes;
    }

    @Override
    public synchronized void close() {
        closed = true;
        watcher.close();
    }
}
