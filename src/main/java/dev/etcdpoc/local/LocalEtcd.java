package dev.etcdpoc.local;

import dev.etcdpoc.core.DemoFailure;
import dev.etcdpoc.core.Endpoints;
import dev.etcdpoc.core.Durations;
import dev.etcdpoc.core.Poll;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Throwaway etcd members started from the etcd binary ({@link #binaryAvailable()} says which one):
 * loopback only, free ports, a temp data dir each, killed by PID and deleted on {@link #close()} —
 * also on Ctrl-C, through a shutdown hook. One member is the demo's embedded default; three make a
 * real Raft cluster whose members can be killed and restarted by index. With {@link Tls} the
 * members serve clients over https, and with {@link Tls#requireClientCertificates} only to clients
 * with a certificate signed by the given CA (mutual TLS).
 */
public final class LocalEtcd implements AutoCloseable {
    /**
     * Raft timings: a heartbeat every 100 ms, a new election after 1 s without one, so a dead
     * leader is replaced in about a second. Loopback would allow less, but on a busy 2-core machine
     * a member starved of CPU for half a second would then start needless elections.
     */
    public static final int HEARTBEAT_MS = 100;
    public static final int ELECTION_MS = 1000;
    /**
     * How long a start may take until every member is healthy. A member is healthy here in well under
     * a second, a 3-member cluster on a busy 2-core machine in about 3 s; an etcd that is not healthy
     * after this will not be, and the user should hear why (its last log line) rather than wait.
     */
    static final Duration READY_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final InetAddress IPV6_LOOPBACK = ipv6Loopback();
    private static final Pattern MEMBER_ID = Pattern.compile("\"member_id\":\"(\\d+)\"");
    private static final Pattern LEADER_ID = Pattern.compile("\"leader\":\"(\\d+)\"");
    private static final Pattern VERSION = Pattern.compile("etcd Version: (\\S+)");
    private static final Pattern MEMBER = Pattern.compile("\\{\"ID\":\"(\\d+)\",\\s*\"name\":\"m(\\d+)\"");

    /**
     * TLS for the client port: the server's certificate and key (PEM files), and, for mutual TLS,
     * the CA whose client certificates etcd accepts ({@code null}: any client may connect).
     */
    public record Tls(Path cert, Path key, Path clientCa) {
        public static Tls server(Path cert, Path key) {
            return new Tls(cert, key, null);
        }

        /** The same server certificate, and etcd refuses clients without a certificate signed by {@code ca}. */
        public Tls requireClientCertificates(Path ca) {
            return new Tls(cert, key, ca);
        }

        List<String> flags() {
            List<String> flags = new ArrayList<>(List.of("--cert-file", cert.toString(), "--key-file", key.toString()));
            if (clientCa != null) {
                flags.addAll(List.of("--client-cert-auth", "--trusted-ca-file", clientCa.toString()));
            }
            return flags;
        }
    }

    /**
     * How the members are set up beyond the defaults (plain http on 127.0.0.1): TLS for clients, the
     * client port on IPv6's loopback {@code [::1]} instead, and extra etcd flags such as
     * {@code --quota-backend-bytes}. Peers and /health stay on 127.0.0.1 either way.
     */
    public record Setup(Tls tls, boolean ipv6, List<String> flags, boolean proxied) {
        public static final Setup PLAIN = new Setup(null, false, List.of(), false);

        public Setup with(Tls clientTls) {
            return new Setup(clientTls, ipv6, flags, proxied);
        }

        public Setup onIpv6Loopback() {
            return new Setup(tls, true, flags, proxied);
        }

        public Setup withFlags(String... more) {
            return new Setup(tls, ipv6, Stream.concat(flags.stream(), Stream.of(more)).toList(), proxied);
        }

        /** Peers and clients reach the members through proxies that can cut them off ({@link Partitions}); plain http only. */
        public Setup partitionable() {
            return new Setup(tls, ipv6, flags, true);
        }
    }

    /** Every throwaway data dir is named so, in the temp dir, with an {@link #OWNER} file naming the JVM that made it. */
    private static final String DIR_PREFIX = "etcd-poc-";
    private static final String OWNER = "owner";

    private final List<Member> members = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final Thread shutdownHook = new Thread(this::stopAll, "local-etcd-stop");
    private Path root;
    private List<Path> removedLeftovers = List.of();
    private Partitions partitions;

    private LocalEtcd() {
    }

    /**
     * True when there is an etcd to start: {@code -Detcd.binary} or {@code ETCD_BINARY} when set (the
     * version under test), else the project's {@code .etcd/bin/etcd} that scripts/install-etcd.sh
     * fetches (etcd 3.5; found next to the jar's or classes' {@code target/}, or in the working
     * directory), else {@code etcd} on the PATH.
     */
    public static boolean binaryAvailable() {
        return binary() != null;
    }

    /** The etcd version these members run, such as "3.5.30" ("?" when {@code etcd --version} does not say). */
    public String version() {
        Path etcd = members.get(0).binary;
        try {
            Process p = new ProcessBuilder(etcd.toString(), "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            String version = find(VERSION, out);
            return version != null ? version : "?";
        } catch (IOException e) {
            return "?";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }

    /** Starts {@code size} plain-http members and returns once every one of them reports healthy. */
    public static LocalEtcd start(int size) {
        return start(size, Setup.PLAIN);
    }

    /** Starts {@code size} members serving clients with {@code tls} ({@code null}: plain http), once all are healthy. */
    public static LocalEtcd start(int size, Tls tls) {
        return start(size, Setup.PLAIN.with(tls));
    }

    /**
     * Starts {@code size} members set up so, and returns once every one of them reports healthy.
     * Ports are found free, then handed to etcd: another process may take one in between, so a
     * start that failed on a port in use is tried again, with new ports, twice at most.
     */
    public static LocalEtcd start(int size, Setup setup) {
        for (int attempt = 1; ; attempt++) {
            try {
                return startOnce(size, setup);
            } catch (DemoFailure e) {
                if (attempt == 3 || !String.valueOf(e.getMessage()).contains("address already in use")) {
                    throw e;
                }
            }
        }
    }

    private static LocalEtcd startOnce(int size, Setup setup) {
        Path etcd = binary();
        if (etcd == null) {
            throw new DemoFailure("no etcd binary to start (ETCD_BINARY, else .etcd/bin/etcd, else the PATH): "
                + "run scripts/install-etcd.sh (etcd 3.5 into .etcd/)");
        }
        // The hook is in place before the data dir exists, so a Ctrl-C at any moment deletes it.
        LocalEtcd cluster = new LocalEtcd();
        Runtime.getRuntime().addShutdownHook(cluster.shutdownHook);
        try {
            cluster.removedLeftovers = removeLeftovers();
            Path root = cluster.createRoot();
            int[] ports = freePorts(2 * size, InetAddress.getLoopbackAddress());
            int[] clientPorts = freePorts(size, setup.ipv6() ? IPV6_LOOPBACK : InetAddress.getLoopbackAddress());
            String token = root.getFileName().toString();
            if (setup.proxied()) {
                cluster.partitions = new Partitions(IntStream.range(0, size).map(i -> ports[2 * i]).toArray(), clientPorts,
                    cluster::membersByHexId);
            }
            for (int i = 0; i < size; i++) {
                Partitions p = cluster.partitions;
                cluster.members.add(new Member(etcd, "m" + i, clientPorts[i], ports[2 * i], ports[2 * i + 1],
                    p == null ? clientPorts[i] : p.clientPort(i), p == null ? ports[2 * i] : p.peerPort(i),
                    root.resolve("m" + i), token, setup));
            }
            String initialCluster = cluster.members.stream().map(m -> m.name + "=" + m.peerUrl()).collect(Collectors.joining(","));
            cluster.members.forEach(m -> m.initialCluster = initialCluster);
            cluster.launchAll();
            cluster.awaitHealthy(READY_TIMEOUT);
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /**
     * The data dirs of earlier runs that this start removed: runs killed too hard for their
     * shutdown hook (SIGKILL, the OOM killer, a killed CI job). Empty almost always.
     */
    public List<Path> removedLeftovers() {
        return removedLeftovers;
    }

    /** Under the lock {@link #stopAll} takes, so a Ctrl-C cannot miss a dir being made. */
    private synchronized Path createRoot() {
        try {
            root = Files.createTempDirectory(DIR_PREFIX);
            ProcessHandle self = ProcessHandle.current();
            Files.writeString(root.resolve(OWNER), self.pid() + " " + startMillis(self).orElse(0L));
            return root;
        } catch (IOException e) {
            throw new DemoFailure("cannot create a data dir for the throwaway etcd in the temp dir '"
                + System.getProperty("java.io.tmpdir") + "': " + reason(e) + ". Give Java a writable temp dir "
                + "(java -Djava.io.tmpdir=DIR -jar poc.jar), or point --endpoints (or ETCD_ENDPOINTS) at a running etcd.", e);
        }
    }

    /** Why the file system said no, in words: its exceptions carry the path, and the reason only sometimes. */
    private static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "it does not exist";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return String.valueOf(e.getMessage());
    }

    private synchronized void launchAll() {
        members.forEach(Member::launch);
    }

    /**
     * Deletes the data dirs whose owning JVM is gone; never one whose owner runs (its pid alive with
     * the same start time, so a reused pid does not count as gone), nor one without an owner file
     * yet (being made right now).
     */
    private static List<Path> removeLeftovers() {
        List<Path> removed = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            for (Path dir : (Iterable<Path>) dirs.filter(d -> d.getFileName().toString().startsWith(DIR_PREFIX))::iterator) {
                if (ownerGone(dir.resolve(OWNER))) {
                    deleteRecursively(dir);
                    removed.add(dir);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // a temp dir we cannot list has nothing of ours to clean
        }
        return removed;
    }

    private static boolean ownerGone(Path ownerFile) {
        String[] owner;
        try {
            owner = Files.readString(ownerFile).trim().split(" ");
        } catch (IOException e) {
            return false;
        }
        try {
            long pid = Long.parseLong(owner[0]);
            long started = Long.parseLong(owner[1]);
            Optional<ProcessHandle> process = ProcessHandle.of(pid);
            return process.isEmpty() || started != 0 && startMillis(process.get()).map(s -> s != started).orElse(false);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static Optional<Long> startMillis(ProcessHandle process) {
        return process.info().startInstant().map(Instant::toEpochMilli);
    }

    public int size() {
        return members.size();
    }

    public Endpoints endpoints() {
        return new Endpoints(members.stream().map(m -> URI.create(m.clientUrl())).collect(Collectors.toList()));
    }

    /** The client URL of one member. */
    public Endpoints endpoint(int index) {
        return new Endpoints(List.of(URI.create(members.get(index).clientUrl())));
    }

    public long pid(int index) {
        return members.get(index).etcd.pid();
    }

    public boolean isRunning(int index) {
        ProcessHandle etcd = members.get(index).etcd;
        return etcd != null && etcd.isAlive();
    }

    /** SIGKILL, as a crash or a pulled plug would: no goodbye to the other members. */
    public void kill(int index) {
        members.get(index).stop();
    }

    /** Starts a killed member again on its old data dir and ports; it rejoins and catches up. */
    public void restart(int index) {
        Member m = members.get(index);
        if (isRunning(index)) {
            throw new IllegalStateException(m.name + " is still running");
        }
        m.launch();
    }

    /** Waits until every running member answers /health with true: it has a leader and a quorum read succeeded. */
    public void awaitHealthy(Duration timeout) {
        for (Member m : members) {
            if (!m.wanted) {
                continue;
            }
            try {
                Poll.until(timeout, "etcd member " + m.name + " at " + m.clientUrl() + " becoming healthy", () -> {
                    if (!m.etcd.isAlive()) {
                        throw new DemoFailure("etcd member " + m.name + " (" + m.binary + ") exited" + m.logTail());
                    }
                    return healthy(m) ? Optional.of(m) : Optional.empty();
                });
            } catch (DemoFailure e) {
                if (!m.etcd.isAlive()) {
                    throw e;
                }
                throw new DemoFailure("etcd member " + m.name + " (" + m.binary + ") at " + m.clientUrl()
                    + " did not become healthy within " + Durations.format(timeout)
                    + " (check that this is a working etcd, or point --endpoints at a running etcd)" + m.logTail(), e);
            }
        }
    }

    /**
     * The index of the member that currently leads: the one a majority of the cluster's members say
     * they follow (plain-http members only). A member cut off from its peers may still believe it
     * leads, or follow a leader that was replaced; the majority knows better.
     */
    public OptionalInt leader() {
        Map<String, Integer> selfIds = new HashMap<>();
        Map<String, Integer> votes = new HashMap<>();
        for (int i = 0; i < members.size(); i++) {
            if (!isRunning(i)) {
                continue;
            }
            String status = status(members.get(i));
            String self = find(MEMBER_ID, status);
            String leader = find(LEADER_ID, status);
            if (self != null && leader != null && !leader.equals("0")) {
                selfIds.put(self, i);
                votes.merge(leader, 1, Integer::sum);
            }
        }
        return votes.entrySet().stream()
            .filter(v -> v.getValue() > members.size() / 2 && selfIds.containsKey(v.getKey()))
            .mapToInt(v -> selfIds.get(v.getKey())).findFirst();
    }

    /** Waits for a leader among the running members; polls, because an election has no event to wait on from outside. */
    public int awaitLeader(Duration timeout) {
        return Poll.until(timeout, "an etcd member becoming leader", () -> {
            OptionalInt leader = leader();
            return leader.isPresent() ? Optional.of(leader.getAsInt()) : Optional.empty();
        });
    }

    /** The member's name: m0, m1, ... */
    public String name(int index) {
        return members.get(index).name;
    }

    @Override
    public void close() {
        stopAll();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running or has run: the members are stopped either way
        }
    }

    /** The proxies between the members and to their clients, when started {@link Setup#partitionable()}. */
    public Partitions partitions() {
        if (partitions == null) {
            throw new IllegalStateException("this cluster was not started partitionable");
        }
        return partitions;
    }

    /** Each member's ID in hex (as etcd's peer requests name their sender) to its index, asked of a running member. */
    private Map<String, Integer> membersByHexId() {
        for (Member m : members) {
            if (m.etcd == null || !m.etcd.isAlive()) {
                continue;
            }
            Map<String, Integer> ids = new HashMap<>();
            Matcher found = MEMBER.matcher(send(HttpRequest.newBuilder(URI.create(m.ownClientUrl() + "/v3/cluster/member/list"))
                .POST(HttpRequest.BodyPublishers.ofString("{}"))));
            while (found.find()) {
                ids.put(Long.toHexString(Long.parseUnsignedLong(found.group(1))), Integer.parseInt(found.group(2)));
            }
            if (ids.size() == members.size()) {
                return ids;
            }
        }
        throw new DemoFailure("no member of the local cluster listed all " + members.size() + " members");
    }

    /** SIGKILL: the data is deleted next, so etcd's graceful stop (which may wait on dead peers) buys nothing. */
    private synchronized void stopAll() {
        members.forEach(Member::kill);
        members.forEach(Member::awaitGone);
        if (partitions != null) {
            partitions.close();
        }
        if (root != null) {
            deleteRecursively(root);
        }
    }

    private boolean healthy(Member m) {
        return get(m.metricsUrl() + "/health").contains("\"health\":\"true\"");
    }

    private String status(Member m) {
        return send(HttpRequest.newBuilder(URI.create(m.ownClientUrl() + "/v3/maintenance/status"))
            .POST(HttpRequest.BodyPublishers.ofString("{}")));
    }

    private String get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).GET());
    }

    /** The body, or "" when the member does not answer (yet). */
    private String send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DemoFailure("interrupted while waiting for etcd", e);
        }
    }

    private static String find(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        return m.find() ? m.group(1) : null;
    }

    private static Path binary() {
        String chosen = System.getProperty("etcd.binary");
        if (chosen == null || chosen.isBlank()) {
            chosen = System.getenv("ETCD_BINARY");
        }
        if (chosen != null && !chosen.isBlank()) {
            // Named on purpose (a version matrix): a wrong name must fail, not quietly run another etcd.
            return Files.isExecutable(Path.of(chosen)) ? Path.of(chosen) : null;
        }
        String path = System.getenv("PATH");
        Stream<Path> onPath = path == null ? Stream.empty() : Stream.of(path.split(File.pathSeparator))
            .filter(dir -> !dir.isEmpty())
            .map(dir -> Path.of(dir, "etcd"));
        return Stream.concat(projectEtcd(), onPath)
            .filter(Files::isExecutable)
            .findFirst().orElse(null);
    }

    /** .etcd/bin/etcd of this project: the jar (target/poc.jar) or classes (target/classes) sit two levels below it. */
    private static Stream<Path> projectEtcd() {
        Stream<Path> here = Stream.of(Path.of(".etcd", "bin", "etcd").toAbsolutePath());
        try {
            Path project = Path.of(LocalEtcd.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .getParent().getParent();
            return Stream.concat(Stream.of(project.resolve(".etcd/bin/etcd")), here);
        } catch (RuntimeException | URISyntaxException e) {
            // no code source on the file system (an unusual class loader): the working directory only
            return here;
        }
    }

    private static InetAddress ipv6Loopback() {
        try {
            return InetAddress.getByName("::1");
        } catch (UnknownHostException e) {
            // a literal address is parsed, never looked up: this cannot happen
            throw new IllegalStateException(e);
        }
    }

    /** Ports the OS reports free on {@code address} right now; all held open together so none is handed out twice. */
    private static int[] freePorts(int count, InetAddress address) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                sockets.add(new ServerSocket(0, 1, address));
            }
            return sockets.stream().mapToInt(ServerSocket::getLocalPort).toArray();
        } catch (IOException e) {
            throw new DemoFailure("cannot find free loopback ports for etcd: " + e.getMessage(), e);
        } finally {
            for (ServerSocket s : sockets) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing a listening socket we never used cannot lose anything
                }
            }
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // best effort: a temp dir left behind is harmless, a failed stop is not
        }
    }

    /** One etcd process: its flags, ports and data dir. */
    private static final class Member {
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
        final Setup setup;
        String initialCluster;
        Process guard;
        ProcessHandle etcd;
        /** False once killed on purpose, so a dead member is not mistaken for a failed start. */
        boolean wanted;

        Member(Path binary, String name, int clientPort, int peerPort, int metricsPort, int advertisedClientPort,
               int advertisedPeerPort, Path dataDir, String token, Setup setup) {
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
                "--heartbeat-interval", String.valueOf(HEARTBEAT_MS),
                "--election-timeout", String.valueOf(ELECTION_MS),
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

        void awaitGone() {
            if (etcd == null) {
                return;
            }
            try {
                etcd.onExit().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                guard.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                // etcd ignores nothing after SIGKILL; the guard reaps it, so this only bounds the wait
            }
        }

        String logTail() {
            try {
                List<String> lines = Files.readAllLines(log());
                return lines.isEmpty() ? "" : "; its last log line: " + lines.get(lines.size() - 1);
            } catch (IOException e) {
                return "";
            }
        }
    }
}
