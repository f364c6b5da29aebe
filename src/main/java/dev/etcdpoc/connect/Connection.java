package dev.etcdpoc.connect;

import dev.etcdpoc.core.DemoFailure;
import dev.etcdpoc.core.Endpoints;
import io.etcd.jetcd.Client;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Optional;

/**
 * The etcd a run talks to, connected: which etcd (given, localhost, or a throwaway one), a client
 * built the one way, and failures explained in words that name that etcd. Closing it closes the
 * client and stops a throwaway etcd.
 */
public final class Connection implements AutoCloseable {
    /** On the way out after Ctrl-C or SIGTERM: long enough for a healthy etcd, short enough not to be noticed. */
    private static final Duration REVOKE_ON_EXIT = Duration.ofSeconds(1);

    private final EtcdTarget target;
    private final ClientFactory clients;
    private final Client client;
    private final Thread revokeOnExit;

    private Connection(EtcdTarget target, ClientFactory clients, GrantedLeases leases) {
        this.target = target;
        this.clients = clients;
        this.client = clients.create(target.endpoints(), leases);
        // A run stopped by Ctrl-C or SIGTERM revokes its leases (its turn, its sections' locks and
        // registrations) before the JVM exits: the next run then need not wait for them to expire.
        // A throwaway etcd is deleted as a whole instead.
        this.revokeOnExit = target.local().isPresent() ? null
            : new Thread(() -> leases.revokeAll(client, REVOKE_ON_EXIT), "revoke-leases-on-exit");
        if (revokeOnExit != null) {
            Runtime.getRuntime().addShutdownHook(revokeOnExit);
        }
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
            return new Connection(target, checked, new GrantedLeases());
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

    private void awaitRevokes() {
        try {
            revokeOnExit.join(REVOKE_ON_EXIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
        if (revokeOnExit != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(revokeOnExit);
            } catch (IllegalStateException alreadyShuttingDown) {
                // The hook runs now, with this client: let it finish revoking before the client closes.
                awaitRevokes();
            }
        }
        try {
            client.close();
        } finally {
            target.close();
        }
    }
}
