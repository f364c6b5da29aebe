package dev.etcdpoc.connect;

import dev.etcdpoc.core.DemoFailure;
import dev.etcdpoc.core.Endpoints;
import dev.etcdpoc.core.Failures;
import dev.etcdpoc.local.LocalEtcd;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Which etcd the demo talks to: the endpoints the user gave; else localhost:2379 when something
 * listens there; else a throwaway local etcd. Owns that throwaway etcd and stops it on close.
 */
public final class EtcdTarget implements AutoCloseable {
    /** What to do when nothing listens at the endpoints: said only after a connection was refused. */
    private static final String NOT_RUNNING =
        ". Is etcd running there? Start it with 'docker compose up -d', or point --endpoints (or ETCD_ENDPOINTS) at a running etcd.";
    private final Endpoints endpoints;
    private final LocalEtcd local;

    private EtcdTarget(Endpoints endpoints, LocalEtcd local) {
        this.endpoints = endpoints;
        this.local = local;
    }

    /**
     * @param given        endpoints from --endpoints or ETCD_ENDPOINTS
     * @param localCluster members of a throwaway cluster to start instead (0: none)
     * @param notices      where to say that a throwaway etcd was started
     */
    public static EtcdTarget open(Optional<Endpoints> given, int localCluster, PrintStream notices) {
        if (localCluster > 0) {
            LocalEtcd cluster = LocalEtcd.start(localCluster);
            reportLeftovers(cluster, notices);
            notices.println("poc: started a throwaway " + localCluster + "-member etcd " + cluster.version() + " cluster at "
                + cluster.endpoints()
                + "; it is stopped and deleted when the demo ends.");
            return new EtcdTarget(cluster.endpoints(), cluster);
        }
        if (given.isPresent()) {
            given.get().uris().forEach(EtcdTarget::requireKnownHost);
            return new EtcdTarget(given.get(), null);
        }
        Endpoints fallback = Endpoints.parse(Endpoints.DEFAULT);
        if (listening(fallback.uris().get(0))) {
            return new EtcdTarget(fallback, null);
        }
        if (!LocalEtcd.binaryAvailable()) {
            throw new DemoFailure("nothing answers at " + Endpoints.DEFAULT + " and there is no etcd binary to start "
                + "(ETCD_BINARY, else .etcd/bin/etcd, else the PATH). "
                + "Start etcd with 'docker compose up -d', fetch it with 'scripts/install-etcd.sh', "
                + "or point --endpoints (or ETCD_ENDPOINTS) at a running etcd.");
        }
        LocalEtcd single = LocalEtcd.start(1);
        reportLeftovers(single, notices);
        notices.println("poc: nothing answers at " + Endpoints.DEFAULT + ", so this run uses a throwaway etcd " + single.version() + " at "
            + single.endpoints() + " (pid " + single.pid(0) + "); it is stopped and deleted when the demo ends.");
        return new EtcdTarget(single.endpoints(), single);
    }

    public Endpoints endpoints() {
        return endpoints;
    }

    private static void reportLeftovers(LocalEtcd started, PrintStream notices) {
        List<Path> removed = started.removedLeftovers();
        if (!removed.isEmpty()) {
            notices.println("poc: removed " + removed.size() + " throwaway etcd data dir(s) left by runs that were killed: "
                + removed.stream().map(Path::toString).collect(Collectors.joining(", ")));
        }
    }

    /** A failure while talking to this etcd, as one line that names it, with what to do when the cause alone does not say it. */
    public DemoFailure failure(DemoFailure failure, ClientFactory clients) {
        return new DemoFailure("etcd at " + endpoints + ": " + failure.getMessage() + hint(failure, clients), failure);
    }

    /** What to do, when the cause alone does not say it. */
    private String hint(DemoFailure failure, ClientFactory clients) {
        // An etcd that dies with a request sent closes the connection (as one that is stopped between two requests
        // refuses the next): when a new connection is refused too, nothing listens there any more.
        if (Failures.isConnectionDropped(failure) && endpoints.uris().stream().noneMatch(EtcdTarget::listening)) {
            return ", and now nothing listens there" + NOT_RUNNING;
        }
        // A TLS etcd drops a plain connection without a word (gRPC reports a closed connection or just
        // UNAVAILABLE): ask it for a TLS handshake to tell why.
        // Not after a silent port (it would wait again), nor after etcd itself answered "no leader".
        if (!endpoints.tls() && (Failures.isConnectionDropped(failure) || Failures.isUnreachable(failure))
            && !Failures.isNoAnswer(failure) && !Failures.isRefused(failure) && !Failures.isNoLeader(failure)
            && TlsProbe.speaksTls(endpoints.uris().get(0), clients.timeout())) {
            return ": plain http to a TLS etcd: use https:// and --cacert";
        }
        // Over TLS 1.3 a refused client certificate shows as a dropped connection right after the handshake.
        if (endpoints.tls() && Failures.isConnectionDropped(failure)) {
            return ": if etcd checks client certificates, it does not trust --cert: use one signed by the CA in etcd's --trusted-ca-file";
        }
        // A frozen etcd, one without quorum and a deadline too short for a healthy one all look alike from
        // here: no answer. The members can tell which, when asked.
        if (Failures.isNoAnswer(failure) || Failures.isNoLeader(failure)) {
            return Diagnosis.of(endpoints, clients);
        }
        // Only a refusal means nothing listens there: other failures reached something.
        return Failures.isRefused(failure) ? NOT_RUNNING : "";
    }

    /** The throwaway etcd this run started, if any. */
    public Optional<LocalEtcd> local() {
        return Optional.ofNullable(local);
    }

    @Override
    public void close() {
        if (local != null) {
            local.close();
        }
    }

    /** gRPC would only say "unresolved address" after its retries; a DNS miss is worth naming up front. */
    private static void requireKnownHost(URI uri) {
        try {
            InetAddress.getAllByName(uri.getHost());
        } catch (UnknownHostException e) {
            throw new DemoFailure("unknown host '" + uri.getHost() + "' in endpoint " + uri
                + "; check the name, or point --endpoints (or ETCD_ENDPOINTS) at a reachable etcd.");
        }
    }

    private static boolean listening(URI uri) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
