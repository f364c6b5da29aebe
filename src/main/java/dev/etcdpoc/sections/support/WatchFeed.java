package dev.etcdpoc.sections.support;

import static dev.etcdpoc.core.Bytes.text;

import dev.etcdpoc.core.Await;
import dev.etcdpoc.core.DemoFailure;
import dev.etcdpoc.core.Durations;
import dev.etcdpoc.core.Failures;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * A watch whose responses are handed, in order, to the thread that reads them, each with a bounded
 * wait (see {@link StreamInbox}).
 *
 * <p>A watch stream sits on one member. If that member freezes (SIGSTOP, a long GC pause) the
 * stream stays open and silent, and jetcd never notices: so when an awaited event does not come in
 * time, the feed watches again from the revision after the last event it delivered — on a new
 * stream, which the client's routing puts on another member — and etcd sends every event from there,
 * none missed, none twice. A member cut off from its leader ends the stream instead (the watch
 * requires a leader), and the feed watches again the same way.
 */
public final class WatchFeed implements AutoCloseable {
    /**
     * Streams to try before giving up: round robin opens each on the next member, so with three
     * members at least one of three lands on a member that answers.
     */
    private static final int STREAMS = 3;
    private static final long FIRST_PAUSE_MS = 100;
    private static final long MAX_PAUSE_MS = 1000;
    private final Deque<WatchEvent> pendingEvents = new ArrayDeque<>();
    private final Watch watch;
    private final ByteSequence key;
    private final boolean prefix;
    private final Duration timeout;
    /** The members given: with one, a silent stream has nowhere else to go. */
    private final int members;
    private long nextRevision;
    private StreamInbox<WatchResponse> arrivals;
    private Watch.Watcher watcher;

    private WatchFeed(Watch watch, ByteSequence key, boolean prefix, long revision, Duration timeout, int members) {
        this.watch = watch;
        this.key = key;
        this.prefix = prefix;
        this.timeout = timeout;
        this.members = members;
        start(revision);
    }

    /** Opens a stream from {@code revision}: every event at or after it arrives on it. */
    private void start(long revision) {
        nextRevision = revision;
        // A fresh queue per stream: a late answer of an abandoned stream cannot reach the reader.
        arrivals = new StreamInbox<>(WatchResponse.class, "watch");
        StreamInbox<WatchResponse> to = arrivals;
        watcher = watch.watch(key, WatchOption.builder().isPrefix(prefix).withRevision(nextRevision)
                // A member cut off from the leader ends the watch ("no leader") instead of going silent.
                .withRequireLeader(true).build(),
            Watch.listener(to::add, to::fail));
    }

    /**
     * Watches {@code key} from {@code revision}: every change at or after it arrives, none is missed; {@code timeout}
     * bounds each wait; {@code members}: how many members the client was given.
     */
    public static WatchFeed key(Client client, ByteSequence key, long revision, Duration timeout, int members) {
        return new WatchFeed(client.getWatchClient(), key, false, revision, timeout, members);
    }

    /** Watches every key under {@code prefix} from {@code revision}. */
    public static WatchFeed prefix(Client client, ByteSequence prefix, long revision, Duration timeout, int members) {
        return new WatchFeed(client.getWatchClient(), prefix, true, revision, timeout, members);
    }

    /** The next response that carries events (progress notifications are skipped), within the request deadline. */
    public WatchResponse nextResponse(String what) {
        return nextResponse(what, timeout);
    }

    /**
     * The next response that carries events, waiting at most {@code within} on each of up to {@link #STREAMS}
     * streams. A stream that stays silent for half a request deadline is asked for progress; one that answers
     * nothing to that either sits on a frozen member, and the feed watches again at once instead of waiting
     * out {@code within} there (with one member given there is no other to watch on, and the wait ends). A
     * stream that fails is replaced too; refusals of the new one are borne for an election's worth, and once
     * it answers the wait for the event goes on.
     */
    public WatchResponse nextResponse(String what, Duration within) {
        return await(what, within, 0).orElseThrow();
    }

    /**
     * The next single event if it comes before {@code deadlineNanos} (a {@link System#nanoTime} value); empty
     * when the deadline passes on a live stream, for a caller that knows whether to wait longer (an event
     * etcd makes later, like a lease's expiry, which a leader change postpones). Silent and failed streams
     * are replaced as {@link #nextResponse(String, Duration)} replaces them.
     */
    public Optional<WatchEvent> nextEventBefore(String what, long deadlineNanos) {
        if (pendingEvents.isEmpty()) {
            await(what, Duration.ZERO, deadlineNanos).ifPresent(r -> pendingEvents.addAll(r.getEvents()));
        }
        return Optional.ofNullable(pendingEvents.pollFirst());
    }

    /**
     * The wait behind both: {@code perStream} on each stream, or, with a {@code deadline} (not 0), until then in
     * all, returning empty if it passes on a live stream.
     */
    private Optional<WatchResponse> await(String what, Duration perStream, long deadline) {
        int streams = 1;
        boolean asked = false;   // progress requested of this stream, and nothing heard since
        long askedAt = 0;
        long streamEnd = deadline != 0 ? deadline : System.nanoTime() + perStream.toNanos();
        long check = Math.max(1, timeout.toNanos() / 2);
        long failingSince = 0;
        DemoFailure lastFailure = null;
        long pauseMs = FIRST_PAUSE_MS;
        // After a stream failed: watch again for as long as an election may take (or a request deadline, if shorter).
        long allowance = Math.min(timeout.toNanos(), Await.ELECTION.toNanos());
        while (true) {
            long now = System.nanoTime();
            long wait = Math.min(check, streamEnd - now);
            if (asked) {
                wait = Math.min(wait, askedAt + check - now);
            }
            if (lastFailure != null) {
                long left = failingSince + allowance - now;
                if (left <= 0) {
                    throw notTakenUp(what, lastFailure, allowance);
                }
                wait = Math.min(wait, left);
            }
            Optional<WatchResponse> response = Optional.empty();
            if (wait > 0) {
                try {
                    response = arrivals.nextIfAny(what, Duration.ofNanos(wait));
                } catch (DemoFailure failed) {
                    if (Failures.isCompacted(failed)) {
                        throw CompactedHistory.failure(what, nextRevision, failed);
                    }
                    // The stream's member lost its leader (etcd then ends a require-leader watch) or went away:
                    // watch again after a pause, on another member; a cluster without a quorum refuses every new
                    // watch, and the failure says why.
                    if (!Failures.isUnreachable(failed)) {
                        throw failed;
                    }
                    if (lastFailure == null) {
                        // A stream that had been watching ended: it counts as one of the streams tried. The
                        // refusals that follow while the members elect a leader do not.
                        if (streams == STREAMS) {
                            throw failed;
                        }
                        streams++;
                        failingSince = System.nanoTime();
                    }
                    lastFailure = failed;
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(pauseMs));
                    pauseMs = Math.min(MAX_PAUSE_MS, pauseMs * 2);
                    reopen();
                    asked = false;
                    streamEnd = deadline != 0 ? deadline : System.nanoTime() + perStream.toNanos();
                    continue;
                }
            }
            if (response.isEmpty()) {
                now = System.nanoTime();
                boolean over = now - streamEnd >= 0;
                if (over && deadline != 0 && lastFailure == null) {
                    return Optional.empty();
                }
                if (!over && !asked) {
                    watcher.requestProgress();
                    asked = true;
                    askedAt = now;
                    continue;
                }
                // A stream asked for progress has a whole half deadline to answer, however near the end of the
                // wait it was asked: only then is its silence a frozen member's.
                boolean unanswered = asked && now - askedAt >= check;
                if (!over && !unanswered) {
                    continue;
                }
                // No event in time, or not even an answer to the progress request (its member is frozen).
                if (lastFailure != null) {
                    throw notTakenUp(what, lastFailure, allowance);
                }
                if (!over && members == 1) {
                    throw new DemoFailure(what + ": etcd did not answer on the watch, not even a request for progress, within "
                        + Durations.format(Duration.ofNanos(check)), new TimeoutException("no answer on the watch"));
                }
                if (streams == STREAMS) {
                    throw new DemoFailure(what + (over ? ": no watch event within " + Durations.format(perStream) + ", on any of "
                        : ": no answer, not even to a request for progress, on any of ") + STREAMS + " watch streams",
                        new TimeoutException("no watch event"));
                }
                reopen();
                streams++;
                asked = false;
                streamEnd = deadline != 0 ? deadline : System.nanoTime() + perStream.toNanos();
                continue;
            }
            // A live stream (a progress report, or events): a failure before it is behind us, and the wait for
            // the event goes on (a lease's expiry may still be seconds away).
            asked = false;
            lastFailure = null;
            pauseMs = FIRST_PAUSE_MS;
            WatchResponse events = response.get();
            if (!events.getEvents().isEmpty()) {
                List<WatchEvent> list = events.getEvents();
                nextRevision = list.get(list.size() - 1).getKeyValue().getModRevision() + 1;
                return Optional.of(events);
            }
        }
    }

    private void reopen() {
        watcher.close();
        start(nextRevision);
    }

    /**
     * The watch failed and no member took it up again in time: no answer, as far as the user can tell,
     * with the last failure as the reason (a "no leader" there tells the diagnosis what to look for).
     */
    private static DemoFailure notTakenUp(String what, DemoFailure lastFailure, long allowanceNanos) {
        TimeoutException noAnswer = new TimeoutException("no member took the watch up again");
        noAnswer.initCause(lastFailure);
        return new DemoFailure(lastFailure.getMessage() + ", and no member took it up again within "
            + Durations.format(Duration.ofNanos(allowanceNanos)), noAnswer);
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

    /** An event as the .NET proof of concept printed it: {@code dog -> "sits" (Put)}. */
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
