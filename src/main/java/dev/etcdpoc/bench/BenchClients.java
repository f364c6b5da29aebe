package dev.etcdpoc.bench;

import dev.etcdpoc.connect.Connection;
import io.etcd.jetcd.Client;
import java.util.ArrayList;
import java.util.List;

/**
 * The clients a benchmark sends its requests through, so that the tuned set-up grows with the cores.
 *
 * <p>One jetcd client is one gRPC channel, and with one etcd member one HTTP/2 connection; the tuned
 * set-up ({@code ClientFactory.withTuning()}) puts that channel on ONE Vert.x event loop, which also
 * runs every callback (gRPC's executor is that loop, and jetcd starts each call in the calling
 * thread). Encoding, framing, decoding and completing every request then take turns on one thread,
 * however many are in flight and however many cores there are: on a 16-core machine jetcd stopped
 * at 60-65k requests/s from 16 in flight up, about one core's worth, while Go's client spread over
 * the cores. A Vert.x with more event loops does not help one client: its channel is bound to one.
 * So N clients, each with its own connection and event loop, and chain i sends through client
 * i mod N: its next request leaves from the thread its answer arrived on, with no hand-over.
 */
final class BenchClients implements AutoCloseable {
    /** The processors per I/O thread of {@link #auto}. */
    private static final int PROCESSORS_PER_THREAD = 4;

    /** The connection's own client first, then those {@link #open} added. */
    private final List<Client> clients;

    private BenchClients(List<Client> clients) {
        this.clients = List.copyOf(clients);
    }

    /**
     * The tuned client's I/O threads when none are asked for: one per 4 processors this JVM may use,
     * at least 1. Not one per processor: next to a local etcd, which needs most of the cores for the
     * same requests, and the JIT and collector, more loops split the same work finer, and each wakes
     * up and flushes for fewer requests, which costs CPU per request (on 2 cores, a second connection
     * gained nothing and cost CPU: BENCHMARKS.md). One thread did ~65k requests/s on a core.
     */
    static int auto(int processors) {
        return Math.max(1, processors / PROCESSORS_PER_THREAD);
    }

    /** The connection's own client, and {@code count - 1} more built the same way: each a connection of its own. */
    static BenchClients open(Connection etcd, int count) {
        List<Client> clients = new ArrayList<>(List.of(etcd.client()));
        try {
            while (clients.size() < count) {
                clients.add(etcd.clients().create(etcd.endpoints()));
            }
        } catch (RuntimeException e) {
            new BenchClients(clients).close();
            throw e;
        }
        return new BenchClients(clients);
    }

    /** The client for chain or index {@code i}. */
    Client get(int i) {
        return clients.get(i % clients.size());
    }

    /** The connection's own client: for what is not measured (keys, revisions, the clean-up). */
    Client first() {
        return clients.get(0);
    }

    int size() {
        return clients.size();
    }

    /** Closes the clients {@link #open} added; the connection's own closes with the connection. */
    @Override
    public void close() {
        for (Client extra : clients.subList(1, clients.size())) {
            extra.close();
        }
    }
}
