package dev.etcdpoc.recipes;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * Service discovery on etcd: each instance registers its address under {@code PREFIX<instance>}, on a
 * lease of its own that it keeps alive. An instance that stops renewing (a crash, a partition) vanishes
 * from the registry by itself one TTL later; one that shuts down cleanly revokes its lease and vanishes
 * at once. Readers list the prefix, and watch it from the listing's revision + 1 to miss no change.
 *
 * <pre>{@code
 * ServiceRegistry registry = new ServiceRegistry(client, "services/payments/", timeout);
 * try (ServiceRegistry.Registration me = registry.register("instance-1", "10.0.0.5:8080", 10)) {
 *     ... serve ...
 * }   // revoked: the entry is gone at once
 * }</pre>
 */
public record ServiceRegistry(Client client, String prefix, Duration timeout) {

    /** One instance's entry, alive as long as its lease: closing it deregisters the instance. */
    public record Registration(String key, KeptAliveLease lease) implements AutoCloseable {
        @Override
        public void close() {
            lease.close();
        }
    }

    /** Registers {@code instance} at {@code address} on a new lease of {@code ttlSeconds}, kept alive until closed. */
    public Registration register(String instance, String address, long ttlSeconds) {
        KeptAliveLease lease = KeptAliveLease.grant(client, instance, ttlSeconds, timeout);
        String key = prefix + instance;
        try {
            RecipeException.await(client.getKVClient().put(ByteSequence.from(key, UTF_8), ByteSequence.from(address, UTF_8),
                PutOption.builder().withLeaseId(lease.id()).build()), timeout, "PUT " + key);
        } catch (RuntimeException e) {
            lease.close();
            throw e;
        }
        return new Registration(key, lease);
    }

    /** The registered instances and their addresses, at one revision ({@link Listing#revision()}). */
    public Listing list() {
        GetOption all = GetOption.builder().isPrefix(true).build();
        GetResponse response = RecipeException.await(client.getKVClient().get(ByteSequence.from(prefix, UTF_8), all),
            timeout, "GET " + prefix);
        Map<String, String> instances = new TreeMap<>();
        for (KeyValue kv : response.getKvs()) {
            instances.put(kv.getKey().toString(UTF_8).substring(prefix.length()), kv.getValue().toString(UTF_8));
        }
        return new Listing(instances, response.getHeader().getRevision());
    }

    /** The registry as of one revision: watch from {@code revision + 1} to see every later change. */
    public record Listing(Map<String, String> instances, long revision) {
    }
}
