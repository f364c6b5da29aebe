package dev.etcdpoc.connect;

import dev.etcdpoc.core.DemoFailure;
import dev.etcdpoc.core.Endpoints;
import io.etcd.jetcd.Client;
import java.io.PrintStream;
import java.util.Optional;

/**
 * The etcd a run talks to, connected: which etcd (given, localhost, or a throwaway one), a client
 * built the one way, and failures explained in words that name that etcd. Closing it closes the
 * client and stops a throwaway etcd.
 */
public final class Connection implements AutoCloseable {
    private final EtcdTarget target;
    private final ClientFactory clients;
    private final Client client;

    private Connection(EtcdTarget target, ClientFactory clients, Client client) {
        this.target = target;
        this.clients = clients;
        this.client = client;
    }

    /**
     * Picks the etcd, checks the credentials against it and connects.
     *
     * @param given        endpoints the user gave; none: localhost, else a throwaway etcd
     * @param localCluster members of a throwaway cluster to start instead (0: none)
     * @param notices      where to say what was started or left out
     * @throws DemoFailure phrased for the user, naming the etcd
     */
    static Connection open(Optional<Endpoints> given, ClientFactory clients, int localCluster, PrintStream notices) {
        EtcdTarget target = EtcdTarget.open(given, localCluster, notices);
        try {
            ClientFactory checked = clients.checkedAgainst(target.endpoints(), notices);
            return new Connection(target, checked, checked.create(target.endpoints()));
        } catch (DemoFailure e) {
            target.close();
            throw target.failure(e, clients);
        } catch (RuntimeException e) {
            target.close();
            throw e;
        }
    }

    public Client client() {
        return client;
    }

    public Endpoints endpoints() {
        return target.endpoints();
    }

    /** How {@link #client()} was built, to build more clients the same way. */
    public ClientFactory clients() {
        return clients;
    }

    /** True when the run started this etcd itself, so nobody else's data can be on it. */
    public boolean throwaway() {
        return target.local().isPresent();
    }

    /** A failure while using this etcd, as one line that names it, with what to do when the cause alone does not say. */
    public DemoFailure explain(DemoFailure failure) {
        return target.failure(failure, clients);
    }

    @Override
    public void close() {
        try {
            client.close();
        } finally {
            target.close();
        }
    }
}
