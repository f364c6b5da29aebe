package dev.etcdpoc.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One local etcd process: its flags, ports and data dir; started under a guard that kills it with this
 * JVM ({@link GuardedProcess}), killed and waited for by PID.
 */
final class LocalMember {
    final Path binary;
    final String name;
    final int clientPort;
    final int peerPort;
    final int metricsPort;
    /** Where clients and peers are told to connect: the member's own ports, or proxies in front of them. */
    final int advertisedClientPort;
    final int advertisedPeerPort;
    final Path dataDir;
    final String token;
    final LocalEtcd.Setup setup;
    String initialCluster;
    /** The only member: it takes {@link LocalEtcd#ALONE_HEARTBEAT_MS}'s quicker timings. */
    boolean alone;
    GuardedProcess etcd;
    /** False once killed on purpose, so a dead member is not mistaken for a failed start. */
    boolean wanted;

    LocalMember(Path binary, String name, int clientPort, int peerPort, int metricsPort, int advertisedClientPort,
                int advertisedPeerPort, Path dataDir, String token, LocalEtcd.Setup setup) {
        this.binary = binary;
        this.name = name;
        this.clientPort = clientPort;
        this.peerPort = peerPort;
        this.metricsPort = metricsPort;
        this.advertisedClientPort = advertisedClientPort;
        this.advertisedPeerPort = advertisedPeerPort;
        this.dataDir = dataDir;
        this.token = token;
        this.setup = setup;
    }

    /** Where clients connect. */
    String clientUrl() {
        return url(advertisedClientPort);
    }

    /** Where the member listens for clients, which this class's own status requests use. */
    String ownClientUrl() {
        return url(clientPort);
    }

    private String url(int port) {
        return (setup.tls() == null ? "http" : "https") + (setup.ipv6() ? "://[::1]:" : "://127.0.0.1:") + port;
    }

    /** Plain http /health and /metrics, whatever the client port needs: readiness checks need no certificates. */
    String metricsUrl() {
        return "http://127.0.0.1:" + metricsPort;
    }

    /** Where its peers connect. */
    String peerUrl() {
        return "http://127.0.0.1:" + advertisedPeerPort;
    }

    Path log() {
        return dataDir.resolveSibling(name + ".log");
    }

    void launch() {
        List<String> command = new ArrayList<>(List.of(binary.toString(),
            "--name", name,
            "--data-dir", dataDir.toString(),
            "--listen-client-urls", ownClientUrl(),
            "--advertise-client-urls", clientUrl(),
            "--listen-peer-urls", "http://127.0.0.1:" + peerPort,
            "--initial-advertise-peer-urls", peerUrl(),
            "--initial-cluster", initialCluster,
            "--initial-cluster-token", token,
            "--initial-cluster-state", "new",
            "--heartbeat-interval", String.valueOf(alone ? LocalEtcd.ALONE_HEARTBEAT_MS : LocalEtcd.HEARTBEAT_MS),
            "--election-timeout", String.valueOf(alone ? LocalEtcd.ALONE_ELECTION_MS : LocalEtcd.ELECTION_MS),
            "--logger", "zap",
            "--listen-metrics-urls", metricsUrl(),
            "--log-outputs", "stderr"));
        if (setup.tls() != null) {
            command.addAll(setup.tls().flags());
        }
        command.addAll(setup.flags());
        // etcd reads ETCD_* variables as flags; the user's ETCD_ENDPOINTS or ETCD_PASSWORD are not for it.
        etcd = GuardedProcess.start(command, log(), env -> env.keySet().removeIf(k -> k.startsWith("ETCD_")));
        wanted = true;
    }

    /** SIGKILL, then wait until etcd and its guard are gone. */
    void stop() {
        kill();
        awaitGone();
    }

    /** SIGKILL, not waiting: a cluster kills every member first, so their exits overlap. */
    void kill() {
        wanted = false;
        if (etcd != null) {
            etcd.kill();
        }
    }

    /** Waits until etcd and its guard are gone. */
    void awaitGone() {
        if (etcd != null) {
            etcd.awaitGone();
        }
    }

    /** Why the member stopped or failed to start, as its log says (see {@link EtcdLog}), after "; "; empty if it says nothing. */
    String logTail() {
        try {
            return EtcdLog.reason(Files.readAllLines(log()));
        } catch (IOException e) {
            return "";
        }
    }
}
