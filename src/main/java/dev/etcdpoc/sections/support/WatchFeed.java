package dev.etcdpoc.sections.support;

import static dev.etcdpoc.core.Bytes.text;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A watch whose responses are handed, in order, to the thread that reads them, each with a bounded
 * wait (see {@link Arrivals}).
 */
public final class WatchFeed implements AutoCloseable {
    private final Arrivals<WatchResponse> arrivals = new Arrivals<>(WatchResponse.class, "watch");
    private final Deque<WatchEvent> pendingEvents = new ArrayDeque<>();
    private final Watch.Watcher watcher;
    private final Duration timeout;

    private WatchFeed(Watch watch, ByteSequence key, WatchOption option, Duration timeout) {
        this.timeout = timeout;
        this.watcher = watch.watch(key, option, Watch.listener(arrivals::add, arrivals::fail));
    }

    /** Watches {@code key} from {@code revision}: every change at or after it arrives, none is missed; {@code timeout} bounds each wait. */
    public static WatchFeed key(Client client, ByteSequence key, long revision, Duration timeout) {
        return new WatchFeed(client.getWatchClient(), key, WatchOption.builder().withRevision(revision).build(), timeout);
    }

    /** Watches every key under {@code prefix} from {@code revision}. */
    public static WatchFeed prefix(Client client, ByteSequence prefix, long revision, Duration timeout) {
        return new WatchFeed(client.getWatchClient(), prefix,
            WatchOption.builder().isPrefix(true).withRevision(revision).build(), timeout);
    }

    /** The next response that carries events (progress notifications are skipped), within the request deadline. */
    public WatchResponse nextResponse(String what) {
        return nextResponse(what, timeout);
    }

    /** The next response that carries events, waiting at most {@code within}: for events etcd itself makes later, like a lease expiry. */
    public WatchResponse nextResponse(String what, Duration within) {
        while (true) {
            WatchResponse response = arrivals.next(what, within);
            if (!response.getEvents().isEmpty()) {
                return response;
            }
        }
    }

    /** The next single event, whichever response it came in, within the request deadline. */
    public WatchEvent nextEvent(String what) {
        return nextEvent(what, timeout);
    }

    /** The next single event, waiting at most {@code within}. */
    public WatchEvent nextEvent(String what, Duration within) {
        if (pendingEvents.isEmpty()) {
            pendingEvents.addAll(nextResponse(what, within).getEvents());
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
