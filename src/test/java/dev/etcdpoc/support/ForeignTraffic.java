package dev.etcdpoc.support;

import static dev.etcdpoc.core.Bytes.bytes;
import static dev.etcdpoc.core.Bytes.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdpoc.connect.ClientFactory;
import dev.etcdpoc.core.Endpoints;
import dev.etcdpoc.recipes.KeptAliveLease;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Other clients on the etcd a test uses, busy the whole time, as on a shared etcd: one writes keys under
 * {@code traffic/} about 50 times a second (moving etcd's revision all along), one keeps a lease alive
 * with a registration on it, one takes and releases a lock of its own on that lease. A run must neither
 * wait for them nor touch what they write: {@link #assertIntact} checks that every key under
 * {@code traffic/} holds a value this traffic wrote, and that its registration and lock keys are its own.
 * Failures of its own requests (a member killed, frozen or cut off) are counted, not thrown: it goes on.
 */
public final class ForeignTraffic implements AutoCloseable {
    public static final String PREFIX = "traffic/";
    private static final Duration REQUEST = Duration.ofSeconds(5);
    private static final long TTL_SECONDS = 30;
    private static final int KEYS = 8;
    private static final long WRITE_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final long LOCK_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(300);

    private final Client client;
    private final KeptAliveLease lease;
    private final Map<String, Set<String>> written = new ConcurrentHashMap<>();
    private final AtomicLong puts = new AtomicLong();
    private final AtomicLong locks = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final Thread writer;
    private final Thread locker;
    private volatile boolean stopping;
    /** The traffic running on each etcd, by its endpoints: what a test's before/after check also asks. */
    private static final Map<Endpoints, ForeignTraffic> RUNNING = new ConcurrentHashMap<>();
    private final Endpoints endpoints;

    /** The traffic running on the etcd at {@code endpoints}, if a fixture started one. */
    public static java.util.Optional<ForeignTraffic> on(Endpoints endpoints) {
        return java.util.Optional.ofNullable(RUNNING.get(endpoints));
    }

    /** Starts the traffic on the etcd at {@code endpoints}; {@link #on} finds it until it is closed. */
    public static ForeignTraffic start(Endpoints endpoints) {
        ForeignTraffic traffic = new ForeignTraffic(endpoints);
        RUNNING.put(endpoints, traffic);
        return traffic;
    }

    private ForeignTraffic(Endpoints endpoints) {
        this.endpoints = endpoints;
        client = new ClientFactory(REQUEST).create(endpoints);
        // Renewed on a new stream with a deadline each time: a frozen member cannot cost it.
        lease = KeptAliveLease.grant(client, "foreign traffic", TTL_SECONDS, REQUEST);
        client.getKVClient().put(bytes(PREFIX + "registry/instance"), bytes("10.0.0.1:8080"),
            PutOption.builder().withLeaseId(lease.id()).build()).orTimeout(REQUEST.toSeconds(), TimeUnit.SECONDS).join();
        writer = start("foreign-writer", this::write, WRITE_EVERY_NANOS);
        locker = start("foreign-locker", this::lockOnce, LOCK_EVERY_NANOS);
    }

    private Thread start(String name, Runnable step, long everyNanos) {
        Thread t = new Thread(() -> {
            while (!stopping) {
                try {
                    step.run();
                } catch (RuntimeException e) {
                    failures.incrementAndGet();
                }
                LockSupport.parkNanos(everyNanos);
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private void write() {
        long n = puts.get();
        String key = PREFIX + "k" + (n % KEYS);
        String value = "v" + n;
        // Recorded before it is sent: a write whose answer is lost may still have been applied.
        written.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(value);
        client.getKVClient().put(bytes(key), bytes(value)).orTimeout(REQUEST.toSeconds(), TimeUnit.SECONDS).join();
        puts.incrementAndGet();
    }

    private void lockOnce() {
        var held = client.getLockClient().lock(bytes(PREFIX + "lock"), lease.id()).orTimeout(REQUEST.toSeconds(), TimeUnit.SECONDS).join();
        client.getLockClient().unlock(held.getKey()).orTimeout(REQUEST.toSeconds(), TimeUnit.SECONDS).join();
        locks.incrementAndGet();
    }

    /** Acknowledged writes so far. */
    public long puts() {
        return puts.get();
    }

    /**
     * Every key under {@code traffic/} is this traffic's: a value it wrote, its registration on its lease,
     * its own lock keys; and it kept writing.
     */
    public void assertIntact(Etcd etcd) {
        List<KeyValue> kvs = etcd.await(client.getKVClient().get(bytes(PREFIX), GetOption.builder().isPrefix(true).build())).getKvs();
        for (KeyValue kv : kvs) {
            String key = text(kv.getKey());
            if (key.startsWith(PREFIX + "registry/") || key.startsWith(PREFIX + "lock/")) {
                assertThat(kv.getLease()).as("the lease of %s", key).isEqualTo(lease.id());
            } else {
                assertThat(written.getOrDefault(key, Set.of())).as("values the foreign writer wrote to %s", key)
                    .contains(text(kv.getValue()));
            }
        }
        assertThat(kvs).as("the foreign registration").anyMatch(kv -> text(kv.getKey()).equals(PREFIX + "registry/instance"));
    }

    @Override
    public void close() {
        RUNNING.remove(endpoints);
        stopping = true;
        for (Thread t : List.of(writer, locker)) {
            try {
                t.join(2 * REQUEST.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            lease.close();
            client.getKVClient().delete(bytes(PREFIX), io.etcd.jetcd.options.DeleteOption.builder().isPrefix(true).build())
                .orTimeout(REQUEST.toSeconds(), TimeUnit.SECONDS).join();
        } finally {
            client.close();
        }
    }
}
