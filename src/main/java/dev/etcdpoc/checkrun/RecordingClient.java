package dev.etcdpoc.checkrun;

import static dev.etcdpoc.core.Bytes.bytes;
import static dev.etcdpoc.core.Bytes.text;

import dev.etcdpoc.check.Operation;
import dev.etcdpoc.check.Request;
import dev.etcdpoc.check.Response;
import dev.etcdpoc.core.Await;
import dev.etcdpoc.core.DemoFailure;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.DeleteResponse;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One client of the check: it makes one call at a time and records each in the history, with when it
 * was sent, when its answer came and what the answer was. Every value it writes is its own and written
 * once ("c3.17": client 3's 17th), so a read tells which write it saw.
 *
 * <p>Each call is one attempt with a deadline ({@code ClientFactory.withOneAttemptPerRequest()}), and its
 * outcome is recorded conservatively. A read that failed changed nothing: failed. A write that ended in an
 * error is unknown — it may have been applied, now or later — whatever the error: even "no answer in
 * time" from a member that then froze can be applied when it thaws, seconds later. Only etcd's own
 * refusals ("no leader") are known not to apply, and they are recorded as unknown too, which the checker
 * allows for: an unknown write may also never take effect.
 */
public final class RecordingClient {
    private final int id;
    private final KV kv;
    private final History history;
    private final Duration timeout;
    private final GetOption getOption;
    /** The mod revision this client last saw each key at (0: absent): what its compare-and-swaps expect. */
    private final Map<String, Long> seenModRevision = new HashMap<>();
    private int written;

    /** @param serializableReads gets answered by the member reached, from its own copy (the control) */
    public RecordingClient(int id, KV kv, History history, Duration timeout, boolean serializableReads) {
        this.id = id;
        this.kv = kv;
        this.history = history;
        this.timeout = timeout;
        this.getOption = GetOption.builder().withSerializable(serializableReads).build();
    }

    int id() {
        return id;
    }

    public Operation get(String key) {
        long invoked = System.nanoTime();
        try {
            GetResponse answer = await(kv.get(bytes(key), getOption), "GET " + key);
            KeyValue found = answer.getKvs().isEmpty() ? null : answer.getKvs().get(0);
            long revision = answer.getHeader().getRevision();
            seenModRevision.put(key, found == null ? 0 : found.getModRevision());
            return record(invoked, System.nanoTime(), new Request.Get(key), found == null ? Response.Read.absent(revision)
                : new Response.Read(text(found.getValue()), found.getModRevision(), revision));
        } catch (DemoFailure e) {
            return record(invoked, System.nanoTime(), new Request.Get(key), Response.FAILED);
        }
    }

    public Operation put(String key) {
        Request.Put put = new Request.Put(key, nextValue());
        long invoked = System.nanoTime();
        try {
            long revision = await(kv.put(bytes(key), bytes(put.value())), "PUT " + key).getHeader().getRevision();
            seenModRevision.put(key, revision);
            return record(invoked, System.nanoTime(), put, new Response.Written(revision));
        } catch (DemoFailure e) {
            return unknown(invoked, put);
        }
    }

    public Operation delete(String key) {
        long invoked = System.nanoTime();
        try {
            DeleteResponse answer = await(kv.delete(bytes(key)), "DELETE " + key);
            seenModRevision.put(key, 0L);
            return record(invoked, System.nanoTime(), new Request.Delete(key),
                new Response.Deleted((int) answer.getDeleted(), answer.getHeader().getRevision()));
        } catch (DemoFailure e) {
            return unknown(invoked, new Request.Delete(key));
        }
    }

    /** Writes a new value if the key's mod revision is still the one this client last saw (0: absent). */
    public Operation compareAndSwap(String key) {
        Request.Cas cas = new Request.Cas(key, seenModRevision.getOrDefault(key, 0L), nextValue());
        long invoked = System.nanoTime();
        try {
            TxnResponse answer = await(kv.txn()
                .If(new Cmp(bytes(key), Cmp.Op.EQUAL, CmpTarget.modRevision(cas.expectedModRevision())))
                .Then(Op.put(bytes(key), bytes(cas.newValue()), PutOption.DEFAULT))
                .commit(), "CAS " + key);
            long revision = answer.getHeader().getRevision();
            if (answer.isSucceeded()) {
                seenModRevision.put(key, revision);
            }
            return record(invoked, System.nanoTime(), cas, new Response.Swapped(answer.isSucceeded(), revision));
        } catch (DemoFailure e) {
            return unknown(invoked, cas);
        }
    }

    /**
     * One transaction that puts a new value to each of two keys: recorded as two puts with one answer and
     * one transaction number (the checker holds them to one revision, both or neither), and what a watch
     * must deliver in one response (atomic).
     */
    List<Operation> putBoth(String first, String second) {
        Request.Put one = new Request.Put(first, nextValue());
        Request.Put two = new Request.Put(second, nextValue());
        long txn = history.nextTransaction();
        long invoked = System.nanoTime();
        try {
            TxnResponse answer = await(kv.txn()
                .Then(Op.put(bytes(first), bytes(one.value()), PutOption.DEFAULT),
                    Op.put(bytes(second), bytes(two.value()), PutOption.DEFAULT))
                .commit(), "TXN PUT " + first + ", " + second);
            long revision = answer.getHeader().getRevision();
            long completed = System.nanoTime();
            seenModRevision.put(first, revision);
            seenModRevision.put(second, revision);
            return List.of(record(invoked, completed, one, new Response.Written(revision), txn),
                record(invoked, completed, two, new Response.Written(revision), txn));
        } catch (DemoFailure e) {
            seenModRevision.remove(first);
            seenModRevision.remove(second);
            return List.of(record(invoked, Long.MAX_VALUE, one, Response.UNKNOWN, txn),
                record(invoked, Long.MAX_VALUE, two, Response.UNKNOWN, txn));
        }
    }

    private <T> T await(CompletableFuture<T> call, String what) {
        return Await.result(call, timeout, what);
    }

    private String nextValue() {
        return "c" + id + "." + ++written;
    }

    /** A write without a known outcome: it may take effect at any time after it was sent, or never. */
    private Operation unknown(long invoked, Request request) {
        // Whatever the key holds now is no longer known to this client.
        seenModRevision.remove(request.key());
        return record(invoked, Long.MAX_VALUE, request, Response.UNKNOWN);
    }

    private Operation record(long invoked, long completed, Request request, Response response) {
        return record(invoked, completed, request, response, 0);
    }

    private Operation record(long invoked, long completed, Request request, Response response, long txn) {
        Operation op = new Operation(id, invoked, completed, request, response, txn);
        history.add(op);
        return op;
    }
}
