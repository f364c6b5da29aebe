package dev.etcdpoc.support;

import static dev.etcdpoc.core.Bytes.bytes;
import static dev.etcdpoc.core.Bytes.text;

import dev.etcdpoc.connect.ClientFactory;
import dev.etcdpoc.core.Await;
import dev.etcdpoc.core.Endpoints;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.GetOption;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/** A jetcd client for tests to look at what the demo left in etcd. */
public final class Etcd implements AutoCloseable {
    public static final Duration TIMEOUT = Duration.ofSeconds(10);
    private final Client client;
    private final Endpoints endpoints;

    public Endpoints endpoints() {
        return endpoints;
    }

    public Etcd(Endpoints endpoints) {
        this.endpoints = endpoints;
        this.client = new ClientFactory(TIMEOUT).create(endpoints);
    }

    public Client client() {
        return client;
    }

    public <T> T await(CompletableFuture<T> future) {
        return Await.result(future, TIMEOUT, "test call");
    }

    /** etcd's current revision. */
    public long revision() {
        return await(client.getKVClient().get(bytes("\0"))).getHeader().getRevision();
    }

    /**
     * Every key with its value, create and mod revision, version and lease, in key order: what a
     * run on a shared etcd must leave exactly as it found it. Not the keys of the background traffic
     * ({@link ForeignTraffic}), which keep changing: it checks those itself.
     */
    public List<String> dump() {
        GetOption everything = GetOption.builder().withRange(bytes("\0")).build();
        return await(client.getKVClient().get(bytes("\0"), everything)).getKvs().stream()
            .filter(kv -> !text(kv.getKey()).startsWith(ForeignTraffic.PREFIX))
            .map(kv -> text(kv.getKey()) + "=" + text(kv.getValue()) + " create=" + kv.getCreateRevision()
                + " mod=" + kv.getModRevision() + " version=" + kv.getVersion() + " lease=" + kv.getLease())
            .toList();
    }

    /** Puts {@code key} = {@code value}; returns the revision of the write. */
    public long put(String key, String value) {
        return await(client.getKVClient().put(bytes(key), bytes(value))).getHeader().getRevision();
    }

    /** Deletes exactly these keys, as a test that made them cleans up. */
    public void delete(String... keys) {
        for (String key : keys) {
            await(client.getKVClient().delete(bytes(key)));
        }
    }

    /** Deletes every key under these prefixes: a test's clean-up after a run that failed and left them. */
    public void deleteUnder(String... prefixes) {
        for (String prefix : prefixes) {
            await(client.getKVClient().delete(bytes(prefix), io.etcd.jetcd.options.DeleteOption.builder().isPrefix(true).build()));
        }
    }

    /** How many keys start with {@code prefix} ("" counts every key but the background traffic's). */
    public long count(String prefix) {
        GetOption option = prefix.isEmpty()
            ? GetOption.builder().withRange(bytes("\0")).withCountOnly(true).build()
            : GetOption.builder().isPrefix(true).withCountOnly(true).build();
        long count = await(client.getKVClient().get(bytes(prefix.isEmpty() ? "\0" : prefix), option)).getCount();
        return prefix.isEmpty() ? count - count(ForeignTraffic.PREFIX) : count;
    }

    /** How many leases etcd holds now. jetcd has no LeaseLeases call, so this asks etcd's JSON gateway. */
    public long leaseCount() {
        try {
            String body = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(endpoints.uris().get(0).resolve("/v3/lease/leases"))
                    .timeout(TIMEOUT).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
            return Pattern.compile("\"ID\"").matcher(body).results().count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
