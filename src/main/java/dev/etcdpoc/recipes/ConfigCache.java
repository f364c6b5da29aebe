package dev.etcdpoc.recipes;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Every key under a prefix, kept current by a watch (list-and-watch, as Kubernetes' informers), for
 * configuration a service reads often and etcd changes rarely. It loads the prefix at revision N and
 * watches from N + 1, so no change between the two is missed, applying events in revision order. A watch
 * that fails, ends or stays silent (asked for progress every half deadline, it said nothing: its member
 * froze) is opened again from the last applied revision + 1, replays skipped; if that revision was
 * compacted, the prefix is loaded anew and the listener hears the difference. {@link #snapshot()} never
 * blocks nor shows half a transaction. The listener runs in revision order on jetcd's thread or the
 * cache's: it must never block.
 */
public final class ConfigCache implements AutoCloseable {
    /** The map as of one revision. */
    public record Snapshot(SortedMap<String, String> values, long revision) { }

    /** One key's change: {@code oldValue} null when created, {@code newValue} null when deleted. */
    public record Change(String key, String oldValue, String newValue) { }

    /** What changed at one revision (a txn's changes together), or, {@code resynced}, between two loads. */
    public record Update(long revision, List<Change> changes, boolean resynced) { }

    private final Client client;
    private final ByteSequence prefix;
    private final Duration timeout;
    private final Consumer<Update> listener;
    // Its own daemon thread for what must not run on jetcd's: watching again, loading anew, checking progress.
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "config-cache");
        t.setDaemon(true);
        return t;
    });
    private volatile Snapshot current;
    // Guarded by this. A callback of an older watch (an older generation) is ignored.
    private Watch.Watcher watcher;
    private long generation;
    private long progress;
    private boolean heard;
    private boolean closed;
    private int resumes;

    private ConfigCache(Client client, ByteSequence prefix, Duration timeout, Consumer<Update> listener) {
        this.client = client;
        this.prefix = prefix;
        this.timeout = timeout;
        this.listener = listener;
        this.current = load();
    }

    /** Loads the prefix (waiting at most {@code timeout}) and follows it; {@code listener} hears every later change. */
    public static ConfigCache start(Client client, ByteSequence prefix, Duration timeout, Consumer<Update> listener) {
        ConfigCache cache = new ConfigCache(client, prefix, timeout, listener);
        cache.watchFrom(cache.current.revision() + 1);
        long every = Math.max(1, timeout.toMillis() / 2);
        cache.worker.scheduleWithFixedDelay(cache::checkAlive, every, every, TimeUnit.MILLISECONDS);
        return cache;
    }

    public Snapshot snapshot() {
        return current;
    }

    /** How often the watch was opened again: after a failure, a silence, a compaction or {@link #rewatch()}. */
    public synchronized int resumes() {
        return resumes;
    }

    /**
     * Waits until the cache holds every change up to {@code revision} (a read's header revision). Writes to
     * other keys move etcd's revision with no event here, so it asks its watch for progress: a progress
     * report's revision says every event up to it was sent. Not on jetcd's threads.
     */
    public synchronized Snapshot awaitCurrent(long revision, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        try {
            for (long left; Math.max(current.revision(), progress) < revision; worker.execute(this::askProgress)) {
                if ((left = deadline - System.nanoTime()) <= 0) {
                    throw new TimeoutException("it reached revision " + Math.max(current.revision(), progress) + " in " + within);
                }
                TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)));
            }
            return current;
        } catch (TimeoutException | InterruptedException e) {
            throw new RecipeException("config cache of " + text(prefix) + " at revision " + revision, e);
        }
    }

    /** Drops the watch and watches again from the applied revision + 1, as after a failure. */
    public void rewatch() {
        restart(-1, null);
    }

    private Snapshot load() {
        try {
            GetResponse read = client.getKVClient().get(prefix, GetOption.builder().isPrefix(true).build())
                .get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            TreeMap<String, String> values = new TreeMap<>();
            read.getKvs().forEach(kv -> values.put(text(kv.getKey()), text(kv.getValue())));
            return new Snapshot(Collections.unmodifiableSortedMap(values), read.getHeader().getRevision());
        } catch (Exception e) {
            throw new RecipeException("GET " + text(prefix) + " (config cache load)", e);
        }
    }

    /** Not called holding this lock: jetcd calls our listener holding its own. */
    private void watchFrom(long revision) {
        long gen = nextGeneration();
        // A member cut off from its leader ends the watch ("no leader") instead of going silent.
        Watch.Watcher opened = client.getWatchClient().watch(prefix,
            WatchOption.builder().isPrefix(true).withRevision(revision).withRequireLeader(true).build(),
            Watch.listener(r -> onResponse(gen, r), e -> restart(gen, e), () -> restart(gen, null)));
        synchronized (this) {
            if (!closed && gen == generation) {
                watcher = opened;
                return;
            }
        }
        opened.close();
    }

    private synchronized long nextGeneration() {
        heard = true;
        return ++generation;
    }

    private synchronized void askProgress() {
        if (watcher != null) {
            watcher.requestProgress();
        }
    }

    /** A watch that said nothing since the last check is opened again; one that did is asked for progress. */
    private void checkAlive() {
        boolean silent;
        synchronized (this) {
            silent = !heard;
            heard = false;
        }
        if (silent) {
            restart(-1, null);
        } else {
            askProgress();
        }
    }

    private synchronized void onResponse(long gen, WatchResponse response) {
        if (closed || gen != generation) {
            return;
        }
        heard = true;
        progress = response.isProgressNotify() ? Math.max(progress, response.getHeader().getRevision()) : progress;
        TreeMap<String, String> values = new TreeMap<>(current.values());
        List<Update> updates = new ArrayList<>();
        for (WatchEvent event : response.getEvents()) {
            long revision = event.getKeyValue().getModRevision();
            if (revision > current.revision()) { // else a replay after a resume, applied already
                String key = text(event.getKeyValue().getKey());
                String value = event.getEventType() == WatchEvent.EventType.DELETE ? null : text(event.getKeyValue().getValue());
                if (updates.isEmpty() || updates.get(updates.size() - 1).revision() != revision) {
                    updates.add(new Update(revision, new ArrayList<>(), false));
                }
                updates.get(updates.size() - 1).changes().add(new Change(key, value == null ? values.remove(key) : values.put(key, value), value));
            }
        }
        if (!updates.isEmpty()) {
            publish(new Snapshot(Collections.unmodifiableSortedMap(values), updates.get(updates.size() - 1).revision()), updates);
        }
    }

    /** Called holding this lock: the snapshot first, then each update, in order. */
    private void publish(Snapshot next, List<Update> updates) {
        current = next;
        notifyAll();
        updates.forEach(u -> listener.accept(new Update(u.revision(), List.copyOf(u.changes()), u.resynced())));
    }

    /**
     * The watch of generation {@code gen} (-1: the current one) failed, ended or fell silent: watch again,
     * after a pause if it failed (its member may be down); if its history was compacted, load anew first.
     */
    private void restart(long gen, Throwable failure) {
        Watch.Watcher old;
        synchronized (this) {
            if (closed || gen >= 0 && gen != generation) {
                return;
            }
            generation++;
            resumes++;
            old = watcher;
            watcher = null;
        }
        worker.schedule(() -> {
            if (old != null) {
                old.close();
            }
            try {
                if (failure instanceof CompactedException) {
                    resync(load());
                }
                watchFrom(current.revision() + 1);
            } catch (RecipeException unreachable) {
                restart(-1, failure);
            }
        }, failure == null ? 0 : 100, TimeUnit.MILLISECONDS);
    }

    /** Replaces the map with one loaded anew, telling the listener what differs. */
    private synchronized void resync(Snapshot loaded) {
        TreeSet<String> keys = new TreeSet<>(current.values().keySet());
        keys.addAll(loaded.values().keySet());
        List<Change> changes = keys.stream().filter(k -> !Objects.equals(current.values().get(k), loaded.values().get(k)))
            .map(k -> new Change(k, current.values().get(k), loaded.values().get(k))).toList();
        publish(loaded, changes.isEmpty() ? List.of() : List.of(new Update(loaded.revision(), changes, true)));
    }

    private static String text(ByteSequence bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** Stops watching; the last snapshot stays readable. Does not close the client. */
    @Override
    public void close() {
        Watch.Watcher last;
        synchronized (this) {
            closed = true;
            last = watcher;
        }
        if (last != null) {
            last.close();
        }
        worker.shutdownNow();
    }
}
