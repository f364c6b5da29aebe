package dev.etcdpoc.recipes;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Txn;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The keys a client created, deleted again when closed: {@code try (OwnedKeys owned = ...) {...}} cleans
 * up however the block ends. On an etcd that others use, a clean-up must delete only what it created,
 * never "everything under my prefix": each delete is a txn that first compares the key's create revision
 * with the one this client's write produced, so a key somebody else created meanwhile (or created again
 * after ours was deleted) is left alone.
 */
public final class OwnedKeys implements AutoCloseable {
    private final KV kv;
    private final Duration timeout;
    private final Map<String, Long> createdAt = new LinkedHashMap<>();

    public OwnedKeys(Client client, Duration timeout) {
        this.kv = client.getKVClient();
        this.timeout = timeout;
    }

    /** Records that this client created {@code key} with the write answered at {@code revision}. */
    public void add(String key, long revision) {
        createdAt.putIfAbsent(key, revision);
    }

    /**
     * Deletes every recorded key that is still as this client created it: all in one txn, the usual case,
     * else one by one. A key already gone compares as create revision 0 and is skipped.
     */
    @Override
    public void close() {
        if (createdAt.isEmpty() || deleteIfOwned(createdAt) || createdAt.size() == 1) {
            return;
        }
        createdAt.forEach((key, revision) -> deleteIfOwned(Map.of(key, revision)));
    }

    private boolean deleteIfOwned(Map<String, Long> keys) {
        Txn txn = kv.txn();
        keys.forEach((key, revision) -> txn.If(new Cmp(ByteSequence.from(key, UTF_8), Cmp.Op.EQUAL, CmpTarget.createRevision(revision))));
        keys.keySet().forEach(key -> txn.Then(Op.delete(ByteSequence.from(key, UTF_8), DeleteOption.DEFAULT)));
        return RecipeException.await(txn.commit(), timeout, "DELETE " + String.join(", ", keys.keySet())).isSucceeded();
    }
}
