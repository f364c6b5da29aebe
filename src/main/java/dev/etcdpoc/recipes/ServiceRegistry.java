package dev.etcdpoc.recipes;

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
            Bounded.get(client.getKVClient().put(Bounded.bytes(key), Bounded.bytes(address),
                PutOption.builder().withLeaseId(lease.id()).build()), timeout, "PUT " + key);
        } catch (RuntimeException e) {
            lease.close();
            throw e;
        }
        return new Registration(key, lease);
    }

    /** The registered instances and their addresses, at one revision ({@link Listing#revision()}). */
    public Listing list() {
        GetResponse response = Bounded.get(client.getKVClient().get(Bounded.bytes(prefix), GetOption.builder().isPrefix(true).build()),
            timeout, "GET " + prefix);
        Map<String, String> instances = new TreeMap<>();
        for (KeyValue kv : response.getKvs()) {
            instances.put(Bounded.text(kv.getKey()).substring(prefix.length()), Bounded.text(kv.getValue()));
        }
        return new Listing(instances, response.getHeader().getRevision());
    }

    /** The registry as of one revision: watch from {@code revision + 1} to see every later change. */
    public record Listing(Map<String, String> instances, long revision) {
    }
}
