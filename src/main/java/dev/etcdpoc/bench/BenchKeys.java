package dev.etcdpoc.bench;

import dev.etcdpoc.core.Await;
import dev.etcdpoc.core.DemoFailure;
import dev.etcdpoc.core.Failures;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.CompactOption;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;

/**
 * The benchmark's keys and values, shaped like the Go anchor's (gobench): request {@code i} writes
 * key {@code bench/<run>/%08d} of {@code i mod key-space}, and every value is {@code val-size} bytes
 * of 'v'. {@code <run>} is random and new for every run, so the prefix holds only what this run
 * wrote: one prefix delete removes all of it, and nobody else's key can be under it.
 */
final class BenchKeys {
    static final String PREFIX = "bench/" + String.format("%08x", new SecureRandom().nextInt()) + "/";
    private static final byte[] PREFIX_BYTES = PREFIX.getBytes(StandardCharsets.US_ASCII);
    private static final int DIGITS = 8;
    /**
     * How long a compaction may take. etcd removes the old revisions in batches of 1000, with a pause
     * after each (10 ms by default): ~300 000 of them, what 100 000 timed requests at 1024 in flight
     * and their warm-up leave, took more than the 5 s a request gets here.
     */
    static final Duration COMPACTION_LIMIT = Duration.ofMinutes(2);

    private final int keySpace;
    private final ByteSequence value;

    BenchKeys(int keySpace, int valSize) {
        this.keySpace = keySpace;
        byte[] v = new byte[valSize];
        Arrays.fill(v, (byte) 'v');
        this.value = ByteSequence.from(v);
    }

    /** The key of request {@code index}: the run's prefix and the index modulo the key space, zero-padded to 8 digits. */
    ByteSequence key(long index) {
        long n = index % keySpace;
        int digits = Math.max(DIGITS, Long.toString(n).length());
        byte[] key = Arrays.copyOf(PREFIX_BYTES, PREFIX_BYTES.length + digits);
        for (int i = key.length - 1; i >= PREFIX_BYTES.length; i--, n /= 10) {
            key[i] = (byte) ('0' + n % 10);
        }
        return ByteSequence.from(key);
    }

    /** The value every put writes. */
    ByteSequence value() {
        return value;
    }

    static ByteSequence prefix() {
        return ByteSequence.from(PREFIX_BYTES);
    }

    /** etcd's revision now: a watch from the next one sees every later write. */
    static long currentRevision(Client client, Duration timeout) {
        return countOnly(client, timeout).getHeader().getRevision();
    }

    /**
     * Compacts etcd's whole history up to now and waits until it is gone from disk (the bench's
     * --compact-history, for an etcd of one's own): every level then starts on a store of the same
     * size, however many requests the levels before it sent.
     *
     * @param client a client whose request deadline is {@link #COMPACTION_LIMIT}
     */
    static void compactHistory(Client client) {
        long now = currentRevision(client, COMPACTION_LIMIT);
        try {
            Await.result(client.getKVClient().compact(now, CompactOption.builder().withCompactPhysical(true).build()),
                COMPACTION_LIMIT, "COMPACT at revision " + now);
        } catch (DemoFailure e) {
            // Already compacted up to now (nothing was written since): nothing to do.
            if (!Failures.isCompacted(e)) {
                throw e;
            }
        }
    }

    /** Deletes every key under this run's prefix: all this run wrote, and nothing else. */
    static void deleteAll(Client client, Duration timeout) {
        Await.result(client.getKVClient().delete(prefix(), DeleteOption.builder().isPrefix(true).build()), timeout,
            "DELETE " + PREFIX);
    }

    private static io.etcd.jetcd.kv.GetResponse countOnly(Client client, Duration timeout) {
        GetOption countOnly = GetOption.builder().isPrefix(true).withCountOnly(true).build();
        return Await.result(client.getKVClient().get(prefix(), countOnly), timeout, "GET " + PREFIX + " (count)");
    }
}
