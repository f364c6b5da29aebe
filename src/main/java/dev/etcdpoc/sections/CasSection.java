package dev.etcdpoc.sections;

import static dev.etcdpoc.core.Bytes.bytes;
import static dev.etcdpoc.core.Bytes.text;
import static dev.etcdpoc.core.Bytes.value;

import dev.etcdpoc.core.DemoFailure;
import dev.etcdpoc.sections.support.CreatedKeys;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.util.List;

/**
 * Optimistic concurrency: a writer changes a value only if nobody changed it since it read it.
 * The txn compares the key's mod revision with the one the writer read; etcd evaluates the
 * compare and the put at one revision, so two writers can never both succeed from the same read.
 */
public final class CasSection implements Section {
    private static final String PREFIX = "demo/cas/";
    private static final String KEY = PREFIX + "replicas";
    private static final int MAX_ATTEMPTS = 5;

    @Override
    public void run(SectionContext ctx) {
        ctx.out().println("Two writers read the same config value and each writes only if it is unchanged since its read.");
        ctx.out().println("No update is lost: the loser is refused, re-reads and retries, without any lock.");
        KV kv = ctx.client().getKVClient();
        try (CreatedKeys created = new CreatedKeys(ctx.client(), ctx.timeout())) {
            long initial = ctx.await(kv.put(bytes(KEY), bytes("3")), "PUT " + KEY).getHeader().getRevision();
            created.add(KEY, initial);
            ctx.out().println("PUT " + KEY + " = 3 (mod revision " + initial + ")");

            // Both read before either writes: the race every read-modify-write has.
            KeyValue readByA = readKey(ctx, "writer-a");
            KeyValue readByB = readKey(ctx, "writer-b");

            add(ctx, "writer-a", readByA, 1);
            add(ctx, "writer-b", readByB, 2);

            String value = value(ctx.await(kv.get(bytes(KEY)), "GET " + KEY));
            ctx.expect("GET " + KEY, value, "6");
            ctx.out().println("GET " + KEY + " = " + value + " (3 + 1 + 2: both updates applied, none lost)");
        }
    }

    private static KeyValue readKey(SectionContext ctx, String writer) {
        List<KeyValue> found = ctx.await(ctx.client().getKVClient().get(bytes(KEY)), "GET " + KEY).getKvs();
        ctx.expect("the number of keys " + KEY, found.size(), 1);
        KeyValue kv = found.get(0);
        ctx.out().println(writer + " reads replicas = " + text(kv.getValue()) + " (mod revision " + kv.getModRevision() + ")");
        return kv;
    }

    /** Adds {@code delta} to the number {@code writer} read, retrying from a fresh read when someone else wrote first. */
    private static void add(SectionContext ctx, String writer, KeyValue read, int delta) {
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            String value = String.valueOf(Integer.parseInt(text(read.getValue())) + delta);
            TxnResponse txn = ctx.await(ctx.client().getKVClient().txn()
                .If(new Cmp(bytes(KEY), Cmp.Op.EQUAL, CmpTarget.modRevision(read.getModRevision())))
                .Then(Op.put(bytes(KEY), bytes(value), PutOption.DEFAULT))
                // On a conflict the same txn returns the current value: the re-read costs no extra round trip.
                .Else(Op.get(bytes(KEY), GetOption.DEFAULT))
                .commit(), "TXN " + writer + " on " + KEY);
            String attemptLine = writer + ": IF mod revision == " + read.getModRevision() + " THEN PUT " + value + " -> ";
            if (txn.isSucceeded()) {
                ctx.out().println(attemptLine + "written (mod revision " + txn.getHeader().getRevision() + ")");
                return;
            }
            List<KeyValue> current = txn.getGetResponses().get(0).getKvs();
            ctx.expect("the number of keys " + KEY, current.size(), 1);
            read = current.get(0);
            ctx.out().println(attemptLine + "refused: changed since its read");
            ctx.out().println(writer + " re-reads replicas = " + text(read.getValue()) + " (mod revision " + read.getModRevision() + ") and retries");
        }
        throw new DemoFailure(writer + ": still conflicting after " + MAX_ATTEMPTS + " attempts on " + KEY);
    }

    @Override
    public List<String> keys() {
        return List.of(PREFIX);
    }
}
