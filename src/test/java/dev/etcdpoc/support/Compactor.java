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
    private final Thread thread;
    private final long everyMillis;
    private final AtomicInteger compactions = new AtomicInteger();
    private volatile boolean stopping;

    private Compactor(Endpoints endpoints, long everyMillis) {
        this.client = Client.builder().endpoints(endpoints.uris()).build();
        this.everyMillis = everyMillis;
        this.thread = new Thread(this::compactUntilStopped, "foreign-compactor");
        thread.setDaemon(true);
    }

    /** Compacts to the current revision every {@code everyMillis}. */
    public static Compactor start(Endpoints endpoints, long everyMillis) {
        Compactor compactor = new Compactor(endpoints, everyMillis);
        compactor.thread.start();
        return compactor;
    }

    public int compactions() {
        return compactions.get();
    }

    private void compactUntilStopped() {
        while (!stopping) {
            try {
                long now = client.getKVClient().get(bytes("compactor")).orTimeout(REQUEST.toSeconds(), TimeUnit.SECONDS).join()
                    .getHeader().getRevision();
                client.getKVClient().compact(now).orTimeout(REQUEST.toSeconds(), TimeUnit.SECONDS).join();
                compactions.incrementAndGet();
            } catch (RuntimeException alreadyCompacted) {
                // another compaction got there first, or etcd is busy: the next round goes on
            }
            try {
                TimeUnit.MILLISECONDS.sleep(everyMillis);   // the compactor's pace, not a synchronisation
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        stopping = true;
        thread.interrupt();
        try {
            thread.join(REQUEST.toMillis() * 2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        client.close();
    }
}
