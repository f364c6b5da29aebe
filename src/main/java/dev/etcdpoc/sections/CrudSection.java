package dev.etcdpoc.sections;

import static dev.etcdpoc.core.Bytes.bytes;
import static dev.etcdpoc.core.Bytes.value;

import dev.etcdpoc.recipes.OwnedKeys;
import io.etcd.jetcd.KV;
import java.util.List;

/** The .NET proof of concept's first section: put, get, update, delete one key. */
public final class CrudSection implements Section {
    private static final String KEY = "name";

    @Override
    public void run(SectionContext ctx) {
        KV kv = ctx.client().getKVClient();
        try (OwnedKeys created = new OwnedKeys(ctx.client(), ctx.requestWait())) {
            long revision = ctx.await(kv.put(bytes(KEY), bytes("Guilherme")), "PUT name").getHeader().getRevision();
            created.add(KEY, revision);
            ctx.out().println("PUT name = Guilherme");
            String value = value(ctx.await(kv.get(bytes(KEY)), "GET name"));
            ctx.expect("GET name", value, "Guilherme");
            ctx.out().println("GET name = " + value);

            ctx.await(kv.put(bytes(KEY), bytes("Updated")), "PUT name (update)");
            value = value(ctx.await(kv.get(bytes(KEY)), "GET name"));
            ctx.expect("GET name (after update)", value, "Updated");
            ctx.out().println("GET name (after update) = " + value);

            ctx.await(kv.delete(bytes(KEY)), "DELETE name");
            value = value(ctx.await(kv.get(bytes(KEY)), "GET name"));
            ctx.expect("GET name (after delete)", value, "");
            ctx.out().println("GET name (after delete) = \"" + value + "\" (empty string means key not found)");
        }
    }

    @Override
    public List<String> keys() {
        return List.of(KEY);
    }
}
