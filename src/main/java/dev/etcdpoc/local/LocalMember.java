package dev.etcdpoc.local;

import dev.etcdpoc.core.DemoFailure;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One local etcd process: its flags, ports and data dir; started, killed and waited for by PID. */
final class LocalMember {
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    /**
     * Starts etcd under a small sh guard that kills it when this JVM dies in any way, even by
     * SIGKILL, when no shutdown hook runs: the guard reads its stdin, a pipe from this JVM,
     * which the kernel closes when the JVM exits. The guard also reaps etcd, so a killed
     * member does not linger as a zombie. It prints etcd's pid first.
     */
    private static final String GUARD = "log=$1; shift; exec 3<&0; \"$@\" >>\"$log\" 2>&1 & pid=$!; echo $pid; "
        + "( read _ <&3; kill -9 $pid ) & guard=$!; wait $pid; kill $guard 2>/dev/null";

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
    Process guard;
    ProcessHandle etcd;
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
        List<String> command = new ArrayList<>(List.of("sh", "-c", GUARD, "etcd-guard", log().toString(), binary.toString(),
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
        ProcessBuilder pb = new ProcessBuilder(command);
        // etcd reads ETCD_* variables as flags; the user's ETCD_ENDPOINTS or ETCD_PASSWORD are not for it.
        pb.environment().keySet().removeIf(k -> k.startsWith("ETCD_"));
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        try {
            guard = pb.start();
            String pid = new BufferedReader(new InputStreamReader(guard.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            if (pid == null) {
                throw new IOException("the sh guard did not start etcd");
            }
            etcd = ProcessHandle.of(Long.parseLong(pid.trim())).orElseThrow(() -> new IOException("etcd exited at once"));
            wanted = true;
        } catch (IOException | NumberFormatException e) {
            throw new DemoFailure("cannot start " + binary + ": " + e.getMessage() + logTail(), e);
        }
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
            etcd.destroyForcibly();
        }
    }

    /**
     * Waits for the guard, this JVM's child: it reaps etcd and then exits, so once it is gone etcd is
     * too. Not {@code etcd.onExit()}: for a process that is not its child the JDK polls, the first
     * time after 300 ms, which every run that started an etcd paid on its way out.
     */
    void awaitGone() {
        if (etcd == null) {
            return;
        }
        try {
            // etcd ignores nothing after SIGKILL: the timeout only bounds the wait
            guard.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
