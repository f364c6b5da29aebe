package dev.etcdpoc.recipes;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.concurrent.TimeUnit.NANOSECONDS;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Every key under a prefix, kept current by a watch (list-and-watch, as Kubernetes' informers): configuration a service
 * reads often and etcd changes rarely. Loaded at revision N, watched from N + 1, events applied in revision order. A watch
 * that fails, ends or stays silent (no answer to a progress request: its member froze) is opened again from the last
 * applied revision + 1; if that was compacted, the prefix is loaded anew and the listener hears the difference. The
 * listener runs in revision order on the cache's own thread and must never block. One file, jetcd and the JDK only.
 */
public final class ConfigCache implements AutoCloseable {
    /** The map as of one revision. */
    public record Snapshot(SortedMap<String, String> values, long revision) { }
    /** One key's change: {@code oldValue} null when created, {@code newValue} null when deleted. */
    public record Change(String key, String oldValue, String newValue) { }
    /** What changed at one revision (a txn's changes together), or, {@code resynced}, between two loads. */
    public record Update(long revision, List<Change> changes, boolean resynced) { }

    private enum Signal { ENDED, REWATCH, PROGRESS }   // in a watch's inbox, besides its responses and its failure
    private final Client client;
    private final ByteSequence prefix;
    private final Duration timeout;
    private final Consumer<Update> listener;
    // The cache's own thread does all the work; jetcd's threads, which serve every watch and call onError holding a lock
    // that watch() and close() take too, only hand over. Each watch has an inbox of its own: an older one is never heard.
    private final Thread thread = new Thread(this::run, "config-cache");
    private volatile LinkedBlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
    private volatile Snapshot current;
    private volatile long progress;   // every event up to this revision was sent, a progress report said
    private volatile int resumes;
    private volatile boolean closed;

    private ConfigCache(Client client, ByteSequence prefix, Duration timeout, Consumer<Update> listener) {
        this.client = client;
        this.prefix = prefix;
        this.timeout = timeout;
        this.listener = listener;
        thread.setDaemon(true);
    }

    /**
     * Loads the prefix and follows it; {@code listener} hears every later change. The future fails if etcd does not
     * answer the load within {@code timeout}, which bounds every load; the watch is checked every half of it.
     */
    public static CompletableFuture<ConfigCache> start(Client client, ByteSequence prefix, Duration timeout, Consumer<Update> listener) {
        ConfigCache cache = new ConfigCache(client, prefix, timeout, listener);
        return cache.load(0).thenApply(loaded -> {
            cache.replace(loaded);
            cache.thread.start();
            return cache;
        });
    }

    public Snapshot snapshot() { return current; }   // never blocks

    /** How often the watch was opened again: after a failure, a silence, a compaction or {@link #rewatch()}. */
    public int resumes() { return resumes; }

    /**
     * Waits until the cache holds every change up to {@code revision} (a read's header revision). Writes to other keys
     * move etcd's revision with no event here, so it asks its watch for progress, and confirms a report (etcd before
     * 3.4.25 and 3.5.8 may send it before the events) by reading the prefix at its revision. Not from the listener.
     */
    public Snapshot awaitCurrent(long revision, Duration within) throws TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        for (Snapshot now; (now = current).revision() < revision; Thread.sleep(50)) {
            if (progress >= revision && load(revision).thenApply(ConfigCache::values).thenApply(now.values()::equals).exceptionally(f -> false).join()) {
                return now;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new TimeoutException("the config cache of " + prefix.toString(UTF_8) + " reached " + now.revision() + ", not " + revision);
            }
            inbox.add(Signal.PROGRESS);
        }
        return current;
    }

    /** Drops the watch and watches again from the applied revision + 1, as after a failure. */
    public void rewatch() {
        inbox.add(Signal.REWATCH);
    }

    /** Stops watching; the last snapshot stays readable. Does not close the client. */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();   // wherever it waits: for etcd, for its watch, or before watching again
    }

    /** The prefix at {@code revision}, 0: now. jetcd's futures may never complete while etcd is unreachable: this one ends in time. */
    private CompletableFuture<GetResponse> load(long revision) {
        return client.getKVClient().get(prefix, GetOption.builder().isPrefix(true).withRevision(revision).build())
            .orTimeout(timeout.toNanos(), NANOSECONDS);
    }

    /** Holds the prefix as loaded at one revision; if it replaces an earlier load, the listener hears what differs. */
    private void replace(GetResponse read) {
        TreeMap<String, String> values = values(read);
        SortedMap<String, String> before = current == null ? values : current.values();
        current = new Snapshot(Collections.unmodifiableSortedMap(values), read.getHeader().getRevision());
        List<Change> changes = Stream.concat(before.keySet().stream(), values.keySet().stream()).distinct().sorted()
            .filter(k -> !Objects.equals(before.get(k), values.get(k))).map(k -> new Change(k, before.get(k), values.get(k))).toList();
        if (!changes.isEmpty()) {
            listener.accept(new Update(current.revision(), changes, true));
        }
    }

    private static TreeMap<String, String> values(GetResponse read) {
        return read.getKvs().stream().collect(Collectors.toMap(kv -> kv.getKey().toString(UTF_8), kv -> kv.getValue().toString(UTF_8),
            (first, second) -> second, TreeMap::new));
    }

    /**
     * The cache's thread: one watch after another, each from the applied revision + 1, after a pause if the last one
     * failed (the client turns to another member meanwhile); if that revision was compacted, it loads anew first.
     */
    private void run() {
        for (Object ended = null; !closed; resumes++) {
            try {
                Thread.sleep(ended instanceof Throwable ? 100 : 0);
                if (ended instanceof CompactedException) {
                    replace(load(0).get());
                }
                ended = follow();
            } catch (Exception failure) {   // no load or no watch (one from a compacted revision fails again), the listener's, close()
                ended = failure;
            }
        }
    }

    /** Follows one watch until it fails (its failure is returned), ends, is dropped, or stays silent through a check. */
    private Object follow() throws InterruptedException {
        LinkedBlockingQueue<Object> mine = inbox = new LinkedBlockingQueue<>();
        // A member cut off from its leader ends the watch ("no leader") instead of going silent.
        try (var watcher = client.getWatchClient().watch(prefix, WatchOption.builder().isPrefix(true).withRevision(current.revision() + 1)
                .withRequireLeader(true).build(), mine::add, mine::add, () -> mine.add(Signal.ENDED))) {
            boolean heard = true;
            for (long check = System.nanoTime() + timeout.toNanos() / 2; !closed; ) {
                Object next = mine.poll(check - System.nanoTime(), NANOSECONDS);
                if (next instanceof WatchResponse response) {
                    heard = true;
                    apply(response);
                } else if (next == Signal.PROGRESS) {
                    watcher.requestProgress();
                } else if (next != null) {
                    return next;   // its failure, its end, or rewatch()
                } else if (!heard) {
                    return Signal.REWATCH;   // a check, and nothing heard since the last one: its member froze
                } else {
                    heard = false;   // a check: asked for progress, a live watch says something before the next one
                    watcher.requestProgress();
                    check = System.nanoTime() + timeout.toNanos() / 2;
                }
            }
            return Signal.ENDED;
        }
    }

    /** Applies the events in revision order, replays skipped: first to the snapshot, then one update per revision. */
    private void apply(WatchResponse response) {
        progress = response.isProgressNotify() ? Math.max(progress, response.getHeader().getRevision()) : progress;
        TreeMap<String, String> values = new TreeMap<>(current.values());
        TreeMap<Long, List<Change>> byRevision = new TreeMap<>();
        for (WatchEvent event : response.getEvents()) {
            var kv = event.getKeyValue();
            if (kv.getModRevision() > current.revision()) { // else a replay after a resume, applied already
                String key = kv.getKey().toString(UTF_8);
                String value = event.getEventType() == WatchEvent.EventType.DELETE ? null : kv.getValue().toString(UTF_8);
                byRevision.computeIfAbsent(kv.getModRevision(), r -> new ArrayList<>())
                    .add(new Change(key, value == null ? values.remove(key) : values.put(key, value), value));
            }
        }
        current = byRevision.isEmpty() ? current : new Snapshot(Collections.unmodifiableSortedMap(values), byRevision.lastKey());
        byRevision.forEach((revision, changes) -> listener.accept(new Update(revision, List.copyOf(changes), false)));
    }
}
