package dev.etcdpoc.sections;

import static dev.etcdpoc.core.Bytes.bytes;

import io.etcd.jetcd.KV;

/** The PoC's first section: put, get, update, delete one key. */
public final class CrudSection implements Section {
    private static final String KEY = "name";

    @Override
    public String name() {
        return "crud";
    }

    @Override
    public String title() {
        return "Basic CRUD";
    }

    @Override
    public String summary() {
        return "put, get, update and delete one key (the PoC)";
    }

    @Override
    public void run(SectionContext ctx) {
        KV kv = ctx.client().getKVClient();

        ctx.await(kv.put(bytes(KEY), bytes("Guilherme")), "PUT name");
        ctx.out().println("PUT name = Guilherme");
        ctx.out().println("GET name = " + ctx.read(KEY));

        ctx.await(kv.put(bytes(KEY), bytes("Updated")), "PUT name (update)");
        ctx.out().println("GET name (after update) = " + ctx.read(KEY));

        ctx.await(kv.delete(bytes(KEY)), "DELETE name");
        ctx.out().println("GET name (after delete) = \"" + ctx.read(KEY) + "\" (empty string means key not found)");
    }
}
