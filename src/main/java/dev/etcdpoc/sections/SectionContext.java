package dev.etcdpoc.sections;

import static dev.etcdpoc.core.Bytes.bytes;
import static dev.etcdpoc.core.Bytes.text;

import dev.etcdpoc.connect.ClientFactory;
import dev.etcdpoc.connect.Credentials;
import dev.etcdpoc.core.Await;
import dev.etcdpoc.core.Endpoints;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.DeleteOption;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

/**
 * What a section gets: a connected client, where to print, how long any one step may take, and
 * how to connect once more (as another user, say) the same way.
 */
public final class SectionContext {
    private final Client client;
    private final ClientFactory clients;
    private final PrintStream out;
    private final Endpoints endpoints;

    /**
     * @param client    connected to the etcd the demo runs against; null when every chosen section
     *                  starts its own cluster
     * @param clients   how {@code client} was built, to build more the same way
     * @param endpoints where {@code client} connects; null with it
     */
    public SectionContext(Client client, PrintStream out, ClientFactory clients, Endpoints endpoints) {
        this.client = client;
        this.clients = clients;
        this.out = out;
        this.endpoints = endpoints;
    }

    public Client client() {
        if (client == null) {
            throw new IllegalStateException("no etcd was opened for this run");
        }
        return client;
    }

    /** For sections that connect elsewhere (their own cluster) the way the demo connects. */
    public ClientFactory clients() {
        return clients;
    }

    public PrintStream out() {
        return out;
    }

    public Duration timeout() {
        return clients.timeout();
    }

    /** The user {@link #client()} authenticates as, if any. */
    public Optional<Credentials> credentials() {
        return clients.credentials();
    }

    /** A second client to the same etcd, with the same TLS and deadlines, authenticating as {@code credentials}; close it. */
    public Client connectAs(Credentials credentials) {
        return clients.as(credentials).create(endpoints);
    }

    /** The result of one etcd call, waited for at most the request deadline. */
    public <T> T await(CompletableFuture<T> call, String what) {
        return Await.result(call, timeout(), what);
    }

    /** A key's value as text, or "" when the key does not exist (a get of a missing key returns no KeyValue). */
    public String read(String key) {
        GetResponse response = await(client().getKVClient().get(bytes(key)), "GET " + key);
        return response.getKvs().isEmpty() ? "" : text(response.getKvs().get(0).getValue());
    }

    /** Deletes every key under {@code prefix}: how a section leaves etcd as it found it. */
    public void deletePrefix(String prefix) {
        await(client().getKVClient().delete(bytes(prefix), DeleteOption.builder().isPrefix(true).build()), "DELETE " + prefix);
    }

    /**
     * Deletes every key under {@code prefix} when closed: {@code try (Cleanup c = ctx.deletingAfterwards(PREFIX)) {...}}.
     * Unlike a finally block, a clean-up that fails too (etcd gone) cannot hide why the section failed:
     * try-with-resources keeps the first failure and attaches the clean-up's as suppressed.
     */
    public Cleanup deletingAfterwards(String prefix) {
        return () -> deletePrefix(prefix);
    }

    /** Something to undo when a section ends, however it ends. */
    public interface Cleanup extends AutoCloseable {
        @Override
        void close();
    }

    /** Waits until {@code latch} reaches zero, at most the request deadline. */
    public void await(CountDownLatch latch, String what) {
        Await.latch(latch, timeout(), what);
    }
}
