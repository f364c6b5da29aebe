package dev.etcdpoc.sections.support;

import static dev.etcdpoc.core.Bytes.text;

import dev.etcdpoc.core.Await;
import dev.etcdpoc.core.DemoFailure;
import dev.etcdpoc.core.Durations;
import dev.etcdpoc.core.Failures;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Every key under a prefix, kept current by a watch: the list-and-watch pattern of Kubernetes
 * informers, for configuration a service reads often and etcd changes rarely.
 *
 * <ul>
 *   <li><b>Load</b>: one range read of the prefix, at its header revision N.
 *   <li><b>Watch</b> from N + 1, so a change made between the read and the watch is not missed, and
 *       apply each put and delete in revision order.
 *   <li><b>Resume</b> when the watch fails or ends (its member died, "no leader", a cancelled stream):
 *       jetcd re-watches by itself after some errors only and closes the watch after others (jetcd
 *       issues 1055, 1209, 1352), so the cache always watches again itself, from the last applied
 *       revision + 1. Events at or below the applied revision are skipped: nothing is applied twice.
 *   <li><b>Resync</b> when that revision has been compacted: read the prefix again and replace the
 *       whole map at once, telling listeners what differs between the old and the new map.
 * </ul>
 *
 * <p>Readers call {@link #snapshot()}, which never blocks and never shows half of a transaction: each
 * change publishes a new immutable snapshot. jetcd runs watch listeners on its I/O thread, so the
 * cache does no blocking work there; reads for a resync run on the cache's own thread.
 * Depends on jetcd and {@code dev.etcdpoc.core} only: copy it with those.
 */
public final class ConfigCache implements AutoCloseable {
    /** The map as of one revision: every key under the prefix and its value (UTF-8 text). */
    public record Snapshot(SortedMap<String, String> values, long revision) {
    }

    /** One key's change: {@code oldValue} null when it was created, {@code newValue} null when it was deleted. */
    public record Change(String key, String oldValue, String newValue) {
        public boolean isDelete() {
            return newValue == null;
        }
    }

    /**
     * What changed at one revision: a watch event's changes (a transaction's are together), or,
     * with {@code resynced}, the difference between the map before and after a re-load.
     */
    public record Update(long revision, List<Change> changes, boolean resynced) {
    }

    /**
     * Told of every update, in revision order. Called on jetcd's I/O thread or the cache's own
     * thread, one call at a time: return quickly, never block (hand work to a queue).
     */
    public interface Listener {
        void updated(Update update);
    }

    private static final long FIRST_RETRY_MS = 50;
    /** While awaiting progress: how often the watch is asked again (an answer that crossed a resume is lost). */
    private static final long PROGRESS_ASK_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final long MAX_RETRY_MS = 1000;

    private final KV kv;
    private final Watch watch;
    private final ByteSequence prefix;
    private final Duration timeout;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    // One thread for what must not run on jetcd's threads: re-watching after a back-off, re-loading.
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "config-cache");
        t.setDaemon(true);
        return t;
    });

    // Guarded by this. The watch in use is the one of the current generation; callbacks of older
    // watches (a failed one jetcd still reports on, one being closed) are ignored.
    private volatile Snapshot current;
    /** The newest revision a progress notification of the current watch reported. */
    private long progress;
    private Watch.Watcher watcher;
    private long generation;
    private long retryMs = FIRST_RETRY_MS;
    private boolean closed;
    private int resumes;
    private int resyncs;
    private long skipped;
    /** Whether the current watch said anything (an event, a progress report) since the last liveness check. */
    private boolean heard;

    private ConfigCache(Client client, ByteSequence prefix, Duration timeout) {
        this.kv = client.getKVClient();
        this.watch = client.getWatchClient();
        this.prefix = prefix;
        this.timeout = timeout;
    }

    /**
     * Loads every key under {@code prefix} (waiting at most {@code timeout}, a {@link DemoFailure}
     * if etcd does not answer) and follows it from then on. {@code listener} (may be null) is
     * registered before the watch starts, so it hears every change after the load. Call it from
     * your own thread, not from a jetcd callback: it waits for the load.
     */
    public static ConfigCache start(Client client, ByteSequence prefix, Duration timeout, Listener listener) {
        ConfigCache cache = new ConfigCache(client, prefix, timeout);
        if (listener != null) {
            cache.listeners.add(listener);
        }
        cache.current = cache.load();
        cache.watchFromApplied();
        long every = Math.max(1, cache.timeout.toMillis() / 2);
        cache.worker.scheduleWithFixedDelay(cache::checkAlive, every, every, TimeUnit.MILLISECONDS);
        return cache;
    }

    /** The current map and the revision it reflects; never blocks. */
    public Snapshot snapshot() {
        return current;
    }

    /** One key's current value, or null. */
    public String get(String key) {
        return current.values().get(key);
    }

    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    /**
     * Waits until the cache is known to hold every change to its prefix up to {@code revision} (a read's
     * header revision), and returns its snapshot; not on jetcd's threads. Other clients' writes elsewhere
     * move etcd's revision without an event for this prefix, so no event at that revision may ever come:
     * the cache asks its watch for a progress notification instead, whose revision says that every event
     * up to it has been sent.
     */
    public Snapshot awaitCurrent(long revision, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            Watch.Watcher asking;
            synchronized (this) {
                if (Math.max(current.revision(), progress) >= revision) {
                    return current;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new DemoFailure("config cache of " + text(prefix) + " was not known to be current at revision "
                        + revision + " within " + Durations.format(within) + " (it applied revision " + current.revision()
                        + ", its watch reported progress to " + progress + ")");
                }
                asking = watcher;
            }
            if (asking != null) {
                asking.requestProgress();
            }
            synchronized (this) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, Math.min(PROGRESS_ASK_NANOS, Math.max(1, deadline - System.nanoTime())));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new DemoFailure("config cache of " + text(prefix) + ": interrupted", e);
                }
            }
        }
    }

    /**
     * Drops the current watch and watches again from the applied revision + 1, as after a failure.
     * For a service that suspects a silent watch (no event or progress for too long, etcd issue 10280),
     * and for the demo, to show that a resume misses nothing.
     */
    public void rewatch() {
        restart(currentGeneration(), null);
    }

    /** How often the watch was opened again after it failed, ended or was dropped. */
    public synchronized int resumes() {
        return resumes;
    }

    /** How often the whole prefix was re-loaded because the resume point had been compacted. */
    public synchronized int resyncs() {
        return resyncs;
    }

    /** Events skipped because they were at or below the applied revision (a replay after a resume). */
    public synchronized long skipped() {
        return skipped;
    }

    private synchronized long currentGeneration() {
        return generation;
    }

    /** One range read of the whole prefix: the map and the revision it is consistent at. */
    private Snapshot load() {
        GetResponse response = Await.result(kv.get(prefix, GetOption.builder().isPrefix(true).build()), timeout,
            "GET " + text(prefix) + " (config cache load)");
        TreeMap<String, String> values = new TreeMap<>();
        for (KeyValue kv : response.getKvs()) {
            values.put(text(kv.getKey()), text(kv.getValue()));
        }
        return new Snapshot(Collections.unmodifiableSortedMap(values), response.getHeader().getRevision());
    }

    /** Opens a watch from the applied revision + 1. Never called holding this lock: jetcd calls our listener holding its own. */
    private void watchFromApplied() {
        long gen;
        long from;
        synchronized (this) {
            if (closed) {
                return;
            }
            gen = ++generation;
            from = current.revision() + 1;
        }
        WatchOption option = WatchOption.builder().isPrefix(true).withRevision(from)
            // A member cut off from the leader then fails the watch instead of going silent.
            .withRequireLeader(true)
            // The "created" answer tells us a resumed watch works, so the back-off starts small again.
            .withCreateNotify(true)
            .build();
        Watch.Watcher opened = watch.watch(prefix, option, Watch.listener(
            response -> onResponse(gen, response),
            failure -> restart(gen, failure),
            () -> restart(gen, null)));
        boolean stale;
        synchronized (this) {
            stale = closed || gen != generation;
            if (!stale) {
                watcher = opened;
                heard = true;
            }
        }
        if (stale) {
            opened.close();
        }
    }

    /**
     * A watch on a frozen member stays open and says nothing: every half deadline the cache asks its
     * watch for a progress report, and a watch that answered nothing since the last ask is dropped and
     * opened again (on another member, which the client's routing picks), from the applied revision + 1.
     */
    private void checkAlive() {
        Watch.Watcher asking;
        long gen;
        boolean silent;
        synchronized (this) {
            if (closed || watcher == null) {
                return;
            }
            silent = !heard;
            heard = false;
            asking = watcher;
            gen = generation;
        }
        if (silent) {
            restart(gen, null);
        } else {
            asking.requestProgress();
        }
    }

    private void onResponse(long gen, WatchResponse response) {
        List<Update> updates = new ArrayList<>();
        synchronized (this) {
            if (closed || gen != generation) {
                return;
            }
            heard = true;
            retryMs = FIRST_RETRY_MS;
            if (response.getEvents().isEmpty()) {
                if (response.isProgressNotify()) {
                    // Every event up to this revision has been sent, and the cache applied them in order.
                    progress = Math.max(progress, response.getHeader().getRevision());
                    notifyAll();
                }
                return;
            }
            TreeMap<String, String> values = new TreeMap<>(current.values());
            long applied = current.revision();
            List<Change> changes = new ArrayList<>();
            for (WatchEvent event : response.getEvents()) {
                long revision = event.getKeyValue().getModRevision();
                if (revision <= current.revision()) {
                    skipped++;
                    continue;
                }
                if (revision != applied && !changes.isEmpty()) {
                    updates.add(new Update(applied, List.copyOf(changes), false));
                    changes.clear();
                }
                applied = revision;
                String key = text(event.getKeyValue().getKey());
                String newValue = event.getEventType() == WatchEvent.EventType.DELETE ? null : text(event.getKeyValue().getValue());
                String oldValue = newValue == null ? values.remove(key) : values.put(key, newValue);
                changes.add(new Change(key, oldValue, newValue));
            }
            if (!changes.isEmpty()) {
                updates.add(new Update(applied, List.copyOf(changes), false));
            }
            if (updates.isEmpty()) {
                return;
            }
            publish(new Snapshot(Collections.unmodifiableSortedMap(values), applied), updates);
        }
    }

    /** Replaces the snapshot and tells listeners, in order; called holding this lock. */
    private void publish(Snapshot next, List<Update> updates) {
        current = next;
        notifyAll();
        for (Update update : updates) {
            for (Listener listener : listeners) {
                listener.updated(update);
            }
        }
    }

    /**
     * The watch of generation {@code gen} failed ({@code failure}) or ended: retire it and, after a
     * back-off, watch again — or re-load first when the resume point is compacted.
     */
    private void restart(long gen, Throwable failure) {
        boolean compacted = failure != null && Failures.isCompacted(failure);
        synchronized (this) {
            if (closed || gen != generation) {
                return;
            }
            generation++;
            resumes++;
            Watch.Watcher old = watcher;
            watcher = null;
            // Back off while the watch keeps failing (no leader, the member is down): every try fails at once.
            long delay = failure == null ? 0 : retryMs;
            retryMs = Math.min(MAX_RETRY_MS, retryMs * 2);
            // Closing and re-opening run on our thread: jetcd calls this listener holding its own lock.
            worker.schedule(() -> {
                if (old != null) {
                    old.close();
                }
                if (compacted) {
                    resync();
                } else {
                    watchFromApplied();
                }
            }, delay, TimeUnit.MILLISECONDS);
        }
    }

    /** The history we would resume from is gone: load the prefix anew and replace the map in one step. */
    private void resync() {
        Snapshot loaded;
        try {
            loaded = load();
        } catch (DemoFailure unreachable) {
            synchronized (this) {
                if (!closed) {
                    worker.schedule(this::resync, retryMs, TimeUnit.MILLISECONDS);
                    retryMs = Math.min(MAX_RETRY_MS, retryMs * 2);
                }
            }
            return;
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            resyncs++;
            List<Change> changes = difference(current.values(), loaded.values());
            publish(loaded, changes.isEmpty() ? List.of() : List.of(new Update(loaded.revision(), changes, true)));
        }
        watchFromApplied();
    }

    private static List<Change> difference(Map<String, String> before, Map<String, String> after) {
        List<Change> changes = new ArrayList<>();
        TreeMap<String, String> keys = new TreeMap<>(before);
        keys.putAll(after);
        for (String key : keys.keySet()) {
            String old = before.get(key);
            String now = after.get(key);
            if (!Objects.equals(old, now)) {
                changes.add(new Change(key, old, now));
            }
        }
        return changes;
    }

    /** Stops watching; the last snapshot stays readable. Does not close the client. */
    @Override
    public void close() {
        Watch.Watcher last;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            last = watcher;
            watcher = null;
        }
        if (last != null) {
            last.close();
        }
        worker.shutdownNow();
    }
}
