package dev.etcdpoc.support;

import static dev.etcdpoc.core.Bytes.bytes;

import dev.etcdpoc.core.Endpoints;
import io.etcd.jetcd.Client;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Another client compacting etcd's whole history to the current revision, again and again, until closed: what a
 * busy operator's cron or another team's client may do to a shared etcd.
 */
public final class Compactor implements AutoCloseable {
    private static final Duration REQUEST = Duration.ofSeconds(5);
    private final Client client;
    private final AtomicInteger compactions = new AtomicInteger();
    private final Background work;

    /** Compacts to the current revision every {@code everyMillis}. */
    public Compactor(Endpoints endpoints, long everyMillis) {
        this.client = Client.builder().endpoints(endpoints.uris()).build();
        this.work = Background.start("foreign-compactor", () -> everyMillis, this::compactNow);
    }

    /** How many compactions etcd accepted (one to a revision already compacted is refused). */
    public int compactions() {
        return compactions.get();
    }

    private void compactNow() {
        long now = client.getKVClient().get(bytes("compactor")).orTimeout(REQUEST.toSeconds(), TimeUnit.SECONDS).join()
            .getHeader().getRevision();
        client.getKVClient().compact(now).orTimeout(REQUEST.toSeconds(), TimeUnit.SECONDS).join();
        compactions.incrementAndGet();
    }

    @Override
    public void close() {
        work.close();
        client.close();
    }
}
