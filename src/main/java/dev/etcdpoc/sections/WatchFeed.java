package dev.etcdpoc.sections;

import static dev.etcdpoc.Bytes.text;

import dev.etcdpoc.DemoFailure;
import dev.etcdpoc.Durations;
import dev.etcdpoc.Failures;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A watch whose responses are handed, in order, to the thread that reads them, each with a bounded
 * wait. jetcd calls listeners on its own threads; printing from there would interleave with the
 * section's other lines, so the section takes responses here and prints them itself.
 */
public final class WatchFeed implements AutoCloseable {
    private final BlockingQueue<Object> arrivals = new LinkedBlockingQueue<>();
    private final Deque<WatchEvent> pendingEvents = new ArrayDeque<>();
    private final Watch.Watcher watcher;
    private final Duration timeout;

    private WatchFeed(Watch watch, ByteSequence key, WatchOption option, Duration timeout) {
        this.timeout = timeout;
        this.watcher = watch.watch(key, option, Watch.listener(arrivals::add, arrivals::add));
    }

    /** Watches {@code key} from {@code revision}: every change at or after it arrives, none is missed. */
    public static WatchFeed key(SectionContext ctx, ByteSequence key, long revision) {
        return new WatchFeed(ctx.client().getWatchClient(), key, WatchOption.builder().withRevision(revision).build(), ctx.timeout());
    }

    /** Watches every key under {@code prefix} from {@code revision}. */
    public static WatchFeed prefix(SectionContext ctx, ByteSequence prefix, long revision) {
        return new WatchFeed(ctx.client().getWatchClient(), prefix,
            WatchOption.builder().isPrefix(true).withRevision(revision).build(), ctx.timeout());
    }

    /** The next response that carries events (progress notifications are skipped). */
    public WatchResponse nextResponse(String what) {
        while (true) {
            Object next;
            try {
                next = arrivals.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DemoFailure(what + ": interrupted", e);
            }
            if (next == null) {
                throw new DemoFailure(what + ": no watch event within " + Durations.format(timeout));
            }
            if (next instanceof Throwable) {
                throw new DemoFailure(what + ": the watch failed: " + Failures.describe((Throwable) next), (Throwable) next);
            }
            WatchResponse response = (WatchResponse) next;
            if (!response.getEvents().isEmpty()) {
                return response;
            }
        }
    }

    /** The next single event, whichever response it came in. */
    public WatchEvent nextEvent(String what) {
        if (pendingEvents.isEmpty()) {
            pendingEvents.addAll(nextResponse(what).getEvents());
        }
        return pendingEvents.removeFirst();
    }

    /** An event as the PoC printed it: {@code dog -> "sits" (Put)}. */
    public static String describe(WatchEvent event) {
        String type = event.getEventType() == WatchEvent.EventType.PUT ? "Put"
            : event.getEventType() == WatchEvent.EventType.DELETE ? "Delete" : "Unrecognized";
        return text(event.getKeyValue().getKey()) + " -> \"" + text(event.getKeyValue().getValue()) + "\" (" + type + ")";
    }

    @Override
    public void close() {
        watcher.close();
    }
}
