package dev.etcdpoc.sections;

import dev.etcdpoc.checkrun.CheckPlan;
import dev.etcdpoc.connect.ClientFactory;
import dev.etcdpoc.connect.Credentials;
import dev.etcdpoc.core.Await;
import dev.etcdpoc.core.DemoFailure;
import dev.etcdpoc.core.Endpoints;
import io.etcd.jetcd.Client;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * What a section gets: a connected client, where to print, how long any one step may take, how
 * to connect once more (as another user, say) the same way, and whether it may compact.
 *
 * @param client     connected to the etcd the demo runs against; null when every chosen section
 *                   starts its own cluster
 * @param clients    how {@code client} was built, to build more the same way
 * @param endpoints  where {@code client} connects; null with it
 * @param mayCompact true when compacting this etcd's history hurts nobody (a throwaway etcd) or
 *                   the user allowed it (--compact-history)
 * @param checkPlan  what the check section does (its cluster's size, its duration, the control)
 */
public record SectionContext(Client client, PrintStream out, ClientFactory clients, Endpoints endpoints, boolean mayCompact,
                             CheckPlan checkPlan) {

    @Override
    public Client client() {
        if (client == null) {
            throw new IllegalStateException("no etcd was opened for this run");
        }
        return client;
    }

    public Duration timeout() {
        return clients.timeout();
    }

    /** How many members {@link #client()} was given (one, a throwaway etcd's or a single endpoint: no other to turn to). */
    public int members() {
        return endpoints == null ? 0 : endpoints.uris().size();
    }

    /**
     * How long a recipe may wait for one request: three deadlines, where the client's tries of it take at most
     * two (two and a half while etcd elects a leader).
     */
    public Duration requestWait() {
        return Await.requestWait(timeout());
    }

    /** The user {@link #client()} authenticates as, if any. */
    public Optional<Credentials> credentials() {
        return Optional.ofNullable(clients.credentials());
    }

    /** A second client to the same etcd, with the same TLS and deadlines, authenticating as {@code credentials}; close it. */
    public Client connectAs(Credentials credentials) {
        return clients.as(credentials).create(endpoints);
    }

    /** The result of one etcd call, waited for at most the request deadline. */
    public <T> T await(CompletableFuture<T> call, String what) {
        return Await.result(call, timeout(), what);
    }

    /**
     * Fails the run unless {@code actual} is what the recipe produces. A demo that printed another
     * client's value and exited 0 would teach the wrong thing, so a surprise ends the run (exit 1).
     */
    public void expect(String what, Object actual, Object expected) {
        if (!Objects.equals(actual, expected)) {
            throw new DemoFailure(what + " is " + quoted(actual) + ", expected " + quoted(expected)
                + ": another client may be writing the same keys (run with --namespace PREFIX to keep apart)");
        }
    }

    private static String quoted(Object value) {
        return value instanceof String ? "\"" + value + "\"" : String.valueOf(value);
    }
}
