package dev.etcdpoc.recipes;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;

import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Software transactional memory: a transaction over several keys that reads what it needs, decides, and
 * writes, as if it ran alone (serializable). Reads come from one revision (the first read's), writes are
 * buffered, and the commit is one etcd txn that applies the writes only if no key read or written changed
 * since that revision; if one did, or another client compacted that revision away while the body read, the
 * whole body runs again from fresh reads. So a transfer between two
 * accounts never loses or creates money, whatever runs at the same time. (Go's {@code concurrency.NewSTM}
 * with its default, serializable snapshot isolation, does the same; jetcd has none.)
 *
 * <pre>{@code
 * Stm.run(client, timeout, 10, tx -> {
 *     int from = Integer.parseInt(tx.get("accounts/alice")), to = Integer.parseInt(tx.get("accounts/bob"));
 *     tx.put("accounts/alice", String.valueOf(from - 30));
 *     tx.put("accounts/bob", String.valueOf(to + 30));
 *     return null;
 * });
 * }</pre>
 *
 * The body may run several times: it must have no effect but through {@link Tx}. Keys are read and
 * written as UTF-8 text; a key that does not exist reads as null.
 */
public final class Stm {
    private Stm() {
    }

    /** What a transaction body sees: reads at one revision, and writes applied only on commit. */
    public interface Tx {
        /** The key's value as of the transaction's revision (or as this transaction wrote it); null if absent. */
        String get(String key);

        void put(String key, String value);
    }

    /** The body's result, how many times it ran, and the revision its writes were committed at. */
    public record Result<T>(T value, int attempts, long revision) {
    }

    /** Runs {@code body} until it commits, at most {@code maxAttempts} times; each request waits at most {@code timeout}. */
    public static <T> Result<T> run(Client client, Duration timeout, int maxAttempts, Function<Tx, T> body) {
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            Attempt tx = new Attempt(client, timeout);
            T value;
            try {
                value = body.apply(tx);
            } catch (SnapshotCompacted gone) {
                continue;   // as good as a conflict: run again from fresh reads
            }
            TxnResponse commit = tx.commit();
            if (commit.isSucceeded()) {
                return new Result<>(value, attempt, commit.getHeader().getRevision());
            }
        }
        throw new IllegalStateException("the transaction conflicted with others " + maxAttempts + " times in a row");
    }

    /** The snapshot's revision was compacted while the body read: it runs again from fresh reads. */
    private static final class SnapshotCompacted extends RuntimeException {
        SnapshotCompacted() {
            super(null, null, false, false);
        }
    }

    /** One run of the body: its snapshot revision, what it read (with mod revisions), what it will write. */
    private static final class Attempt implements Tx {
        private final Client client;
        private final Duration timeout;
        private final Map<String, Long> readAt = new HashMap<>();
        private final Map<String, String> reads = new HashMap<>();
        private final Map<String, String> writes = new LinkedHashMap<>();
        private long revision;

        Attempt(Client client, Duration timeout) {
            this.client = client;
            this.timeout = timeout;
        }

        @Override
        public String get(String key) {
            if (writes.containsKey(key)) {
                return writes.get(key);
            }
            if (!readAt.containsKey(key)) {
                // The first read fixes the snapshot; later ones read as of that revision.
                GetOption at = GetOption.builder().withRevision(revision).build();
                GetResponse read;
                try {
                    read = RecipeException.await(client.getKVClient().get(ByteSequence.from(key, UTF_8), at), timeout, "GET " + key);
                } catch (RecipeException e) {
                    // Another client compacted the history below the snapshot (etcd's words, whichever exception
                    // carries them): the body cannot go on reading as of it.
                    if (revision != 0 && String.valueOf(e.getCause().getMessage()).contains("required revision has been compacted")) {
                        throw new SnapshotCompacted();
                    }
                    throw e;
                }
                revision = revision == 0 ? read.getHeader().getRevision() : revision;
                List<KeyValue> kvs = read.getKvs();
                readAt.put(key, kvs.isEmpty() ? 0 : kvs.get(0).getModRevision());
                reads.put(key, kvs.isEmpty() ? null : kvs.get(0).getValue().toString(UTF_8));
            }
            return reads.get(key);
        }

        @Override
        public void put(String key, String value) {
            writes.put(key, value);
        }

        /** The writes, if every key read still has the mod revision read, and no key written changed since the snapshot. */
        TxnResponse commit() {
            List<Cmp> unchanged = new ArrayList<>();
            readAt.forEach((key, modRevision) ->
                unchanged.add(new Cmp(ByteSequence.from(key, UTF_8), Cmp.Op.EQUAL, CmpTarget.modRevision(modRevision))));
            writes.keySet().stream().filter(key -> !readAt.containsKey(key) && revision > 0).forEach(key ->
                unchanged.add(new Cmp(ByteSequence.from(key, UTF_8), Cmp.Op.LESS, CmpTarget.modRevision(revision + 1))));
            List<Op> puts = new ArrayList<>();
            writes.forEach((key, value) -> puts.add(Op.put(ByteSequence.from(key, UTF_8), ByteSequence.from(value, UTF_8),
                PutOption.DEFAULT)));
            var txn = client.getKVClient().txn().If(unchanged.toArray(Cmp[]::new)).Then(puts.toArray(Op[]::new));
            return RecipeException.await(txn.commit(), timeout, "TXN commit of " + String.join(", ", writes.keySet()));
        }
    }
}
