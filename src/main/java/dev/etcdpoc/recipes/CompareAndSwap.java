package dev.etcdpoc.recipes;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Optimistic concurrency: change a value only if nobody changed it since you read it. The write is a
 * txn that compares the key's mod revision with the one read; etcd evaluates the compare and the put at
 * one revision, so two writers can never both succeed from the same read, and no update is lost. A
 * refused writer gets the current value in the same answer (the txn's else branch) and tries again from it.
 *
 * <pre>{@code
 * KeyValue read = CompareAndSwap.read(client, "config/replicas", timeout);
 * CompareAndSwap.update(client, read, v -> String.valueOf(Integer.parseInt(v) + 1), 5, timeout, null);
 * }</pre>
 */
public final class CompareAndSwap {
    private CompareAndSwap() {
    }

    /** One try: {@code written}, at {@code revision}; or refused, and {@code current} is what was there instead. */
    public record Attempt(KeyValue read, String value, boolean written, long revision, KeyValue current) {
    }

    /** The key as it is now (it must exist). */
    public static KeyValue read(Client client, String key, Duration timeout) {
        List<KeyValue> kvs = RecipeException.await(client.getKVClient().get(ByteSequence.from(key, UTF_8)), timeout, "GET " + key).getKvs();
        if (kvs.isEmpty()) {
            throw new IllegalStateException(key + " does not exist");
        }
        return kvs.get(0);
    }

    /** Writes {@code value} only if the key's mod revision is still {@code read}'s. */
    public static Attempt attempt(Client client, KeyValue read, String value, Duration timeout) {
        ByteSequence key = read.getKey();
        TxnResponse txn = RecipeException.await(client.getKVClient().txn()
            .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(read.getModRevision())))
            .Then(Op.put(key, ByteSequence.from(value, UTF_8), PutOption.DEFAULT))
            // On a conflict the same txn returns the current value: the re-read costs no extra round trip.
            .Else(Op.get(key, GetOption.DEFAULT))
            .commit(), timeout, "TXN compare-and-swap " + key.toString(UTF_8));
        KeyValue current = txn.isSucceeded() || txn.getGetResponses().get(0).getKvs().isEmpty() ? null
            : txn.getGetResponses().get(0).getKvs().get(0);
        if (!txn.isSucceeded() && current == null) {
            throw new IllegalStateException(key.toString(UTF_8) + " was deleted since it was read");
        }
        return new Attempt(read, value, txn.isSucceeded(), txn.getHeader().getRevision(), current);
    }

    /**
     * Applies {@code change} to the value read until a write succeeds, at most {@code maxAttempts} times,
     * each time from the value the refusal returned; {@code onAttempt} (or null) hears each try.
     */
    public static Attempt update(Client client, KeyValue read, UnaryOperator<String> change, int maxAttempts, Duration timeout,
                                 Consumer<Attempt> onAttempt) {
        for (int i = 0; i < maxAttempts; i++) {
            Attempt attempt = attempt(client, read, change.apply(read.getValue().toString(UTF_8)), timeout);
            if (onAttempt != null) {
                onAttempt.accept(attempt);
            }
            if (attempt.written()) {
                return attempt;
            }
            read = attempt.current();
        }
        throw new IllegalStateException("still conflicting after " + maxAttempts + " attempts on " + read.getKey().toString(UTF_8));
    }
}
