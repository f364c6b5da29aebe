package dev.etcdpoc.sections;

import static dev.etcdpoc.core.Bytes.bytes;
import static dev.etcdpoc.core.Bytes.text;
import static dev.etcdpoc.core.Bytes.value;

import dev.etcdpoc.recipes.CompareAndSwap;
import dev.etcdpoc.recipes.OwnedKeys;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import java.util.List;

/**
 * Narrates {@link CompareAndSwap}: two writers update one value from the same read; one wins, the
 * other is refused, re-reads from the refusal's answer and retries. No update is lost, without a lock.
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
        try (OwnedKeys created = new OwnedKeys(ctx.client(), ctx.requestWait())) {
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
        KeyValue kv = CompareAndSwap.read(ctx.client(), KEY, ctx.requestWait());
        ctx.out().println(writer + " reads replicas = " + text(kv.getValue()) + " (mod revision " + kv.getModRevision() + ")");
        return kv;
    }

    /** Adds {@code delta} to the number {@code writer} read, retrying from a fresh read when someone else wrote first. */
    private static void add(SectionContext ctx, String writer, KeyValue read, int delta) {
        CompareAndSwap.update(ctx.client(), read, value -> String.valueOf(Integer.parseInt(value) + delta), MAX_ATTEMPTS,
            ctx.requestWait(), attempt -> {
                String line = writer + ": IF mod revision == " + attempt.read().getModRevision() + " THEN PUT " + attempt.value() + " -> ";
                if (attempt.written()) {
                    ctx.out().println(line + "written (mod revision " + attempt.revision() + ")");
                } else {
                    KeyValue current = attempt.current();
                    ctx.out().println(line + "refused: changed since its read");
                    ctx.out().println(writer + " re-reads replicas = " + text(current.getValue()) + " (mod revision "
                        + current.getModRevision() + ") and retries");
                }
            });
    }

    @Override
    public List<String> keys() {
        return List.of(PREFIX);
    }
}
