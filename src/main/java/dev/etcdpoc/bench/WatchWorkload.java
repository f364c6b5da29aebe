package dev.etcdpoc.bench;

import dev.etcdpoc.core.DemoFailure;
import dev.etcdpoc.core.Failures;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The watch benchmark: request {@code i} is a put whose value starts with {@code i}, and it is
 * answered when one watcher on bench/ receives that put's event. So its latency is put-to-event,
 * and "in flight" counts puts whose event has not arrived yet. The puts go through each chain's
 * client; the one watcher is on the first client, so all events arrive on its thread.
 */
final class WatchWorkload implements Workload {
    /** The value carries the request number as its first 8 bytes. */
    static final int MIN_VALUE_SIZE = Long.BYTES;

    private final KV[] kv;
    private final BenchKeys keys;
    private final int valSize;
    private final Map<Long, CompletableFuture<Void>> awaitingEvent = new ConcurrentHashMap<>();
    private final Watch.Watcher watcher;
    private volatile Throwable watchFailure;

    /** Starts the watch at {@code fromRevision}, so no event of a later put can be missed however slowly the watch starts. */
    WatchWorkload(BenchClients clients, BenchKeys keys, int valSize, long fromRevision) {
        this.kv = Workload.kvClients(clients);
        this.keys = keys;
        this.valSize = valSize;
        this.watcher = clients.first().getWatchClient().watch(BenchKeys.prefix(),
            WatchOption.builder().isPrefix(true).withRevision(fromRevision).build(),
            Watch.listener(this::onResponse, this::onFailure));
    }

    @Override
    public CompletableFuture<?> send(int chain, long index) {
        CompletableFuture<Void> eventArrived = new CompletableFuture<>();
        awaitingEvent.put(index, eventArrived);
        if (watchFailure != null) {
            failWaiting();
            return eventArrived;
        }
        kv[chain % kv.length].put(keys.key(index), value(index)).whenComplete((response, failure) -> {
            if (failure != null && awaitingEvent.remove(index) != null) {
                eventArrived.completeExceptionally(failure);
            }
        });
        return eventArrived;
    }

    private ByteSequence value(long index) {
        byte[] value = new byte[valSize];
        Arrays.fill(value, (byte) 'v');
        ByteBuffer.wrap(value).putLong(0, index);
        return ByteSequence.from(value);
    }

    private void onResponse(WatchResponse response) {
        for (WatchEvent event : response.getEvents()) {
            if (event.getEventType() != WatchEvent.EventType.PUT) {
                continue;
            }
            byte[] value = event.getKeyValue().getValue().getBytes();
            if (value.length < MIN_VALUE_SIZE) {
                continue; // not written by this run
            }
            CompletableFuture<Void> eventArrived = awaitingEvent.remove(ByteBuffer.wrap(value).getLong(0));
            if (eventArrived != null) {
                eventArrived.complete(null);
            }
        }
    }

    /** A broken watch fails every waiting request, and every later one, instead of leaving them to the stall check. */
    private void onFailure(Throwable failure) {
        watchFailure = new DemoFailure("the watch on " + BenchKeys.PREFIX + " failed: " + Failures.describe(failure), failure);
        failWaiting();
    }

    private void failWaiting() {
        for (Long index : awaitingEvent.keySet()) {
            CompletableFuture<Void> eventArrived = awaitingEvent.remove(index);
            if (eventArrived != null) {
                eventArrived.completeExceptionally(watchFailure);
            }
        }
    }

    @Override
    public void close() {
        watcher.close();
    }
}
