package dev.etcdpoc.local;

import dev.etcdpoc.core.DemoFailure;
import dev.etcdpoc.core.Durations;
import dev.etcdpoc.core.Endpoints;
import dev.etcdpoc.core.Poll;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.IntPredicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * A throwaway etcd of 1 to 7 members started from the etcd binary ({@link ServerBinary#ETCD}): loopback only,
 * free ports, a temp data dir ({@link DataDirs}), killed by PID and deleted on {@link #close()} — also on
 * Ctrl-C, through a shutdown hook. One member is the demo's embedded default; three make a real Raft
 * cluster whose members can be killed, restarted and (started {@link Setup#partitionable()}) cut off from
 * each other ({@link Partitions}). With {@link ServerTls} the members serve clients over https.
 */
public final class LocalEtcd implements AutoCloseable, Breakable {
    /**
     * Raft timings of a cluster: a heartbeat every 100 ms, a new election after 1 s without one, so a dead
     * leader is replaced in about a second. Loopback would allow less, but on a busy 2-core machine
     * a member starved of CPU for half a second would then start needless elections.
     */
    public static final int HEARTBEAT_MS = 100;
    public static final int ELECTION_MS = 1000;
    /**
     * Raft timings of a member alone. It has no one to lose its leadership to, so only its first
     * election matters, and etcd holds that 1 to 10 heartbeats after the start (a new single member
     * skips all but one tick of the election timeout, which raft draws at random up to twice its
     * length): with a cluster's timings, up to a second of every throwaway etcd's start.
     */
    static final int ALONE_HEARTBEAT_MS = 10;
    static final int ALONE_ELECTION_MS = 100;
    /**
     * How long a start may take until every member is healthy. A member is healthy here in well under
     * a second, a 3-member cluster on a busy 2-core machine in about 3 s; an etcd that is not healthy
     * after this will not be, and the user should hear why (its last log line) rather than wait.
     */
    static final Duration READY_TIMEOUT = Duration.ofSeconds(10);
    private static final InetAddress IPV6_LOOPBACK = ipv6Loopback();
    /** What to do when there is no etcd binary to start. */
    public static final String NO_BINARY = "no etcd binary to start (ETCD_BINARY, else .etcd/bin/etcd, else the PATH): "
        + "run scripts/install-etcd.sh (etcd 3.5 into .etcd/)";

    /**
     * How the members are set up beyond the defaults (plain http on 127.0.0.1): TLS for clients, the
     * client port on IPv6's loopback {@code [::1]} instead, extra etcd flags such as
     * {@code --quota-backend-bytes}, and proxies a test can cut. Peers and /health stay on 127.0.0.1.
     */
    public record Setup(ServerTls tls, boolean ipv6, List<String> flags, boolean proxied) {
        public static final Setup PLAIN = new Setup(null, false, List.of(), false);

        public Setup with(ServerTls clientTls) {
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

    private final List<LocalMember> members = new ArrayList<>();
    private final MemberProbe probe = new MemberProbe();
    /** In place before the data dir exists, so a Ctrl-C at any moment deletes it. */
    private final ExitHook exitHook = new ExitHook("local-etcd-stop", this::stopAll);
    private Path root;
    private List<Path> removedLeftovers = List.of();
    private Partitions partitions;

    private LocalEtcd() {
    }

    /** True when there is an etcd binary to start ({@link ServerBinary#ETCD} says which). */
    public static boolean binaryAvailable() {
        return ServerBinary.ETCD.find() != null;
    }

    /** The etcd version these members run, such as "3.5.30" ("?" when {@code etcd --version} does not say). */
    public String version() {
        return ServerBinary.ETCD.version(members.get(0).binary);
    }

    /** Starts {@code size} plain-http members and returns once every one of them reports healthy. */
    public static LocalEtcd start(int size) {
        return start(size, Setup.PLAIN);
    }

    /** Starts {@code size} members serving clients with {@code tls}, once all are healthy. */
    public static LocalEtcd start(int size, ServerTls tls) {
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
        Path etcd = ServerBinary.ETCD.find();
        if (etcd == null) {
            throw new DemoFailure(NO_BINARY);
        }
        LocalEtcd cluster = new LocalEtcd();
        try {
            cluster.removedLeftovers = DataDirs.removeLeftovers();
            Path root = cluster.createRoot();
            int[] ports = LoopbackPorts.free(2 * size, InetAddress.getLoopbackAddress());
            int[] clientPorts = LoopbackPorts.free(size, setup.ipv6() ? IPV6_LOOPBACK : InetAddress.getLoopbackAddress());
            if (setup.proxied()) {
                cluster.partitions = new Partitions(IntStream.range(0, size).map(i -> ports[2 * i]).toArray(), clientPorts,
                    cluster::membersByHexId);
            }
            Partitions p = cluster.partitions;
            for (int i = 0; i < size; i++) {
                cluster.members.add(new LocalMember(etcd, "m" + i, clientPorts[i], ports[2 * i], ports[2 * i + 1],
                    p == null ? clientPorts[i] : p.clientPort(i), p == null ? ports[2 * i] : p.peerPort(i),
                    root.resolve("m" + i), root.getFileName().toString(), setup));
            }
            String initialCluster = cluster.members.stream().map(m -> m.name + "=" + m.peerUrl()).collect(Collectors.joining(","));
            cluster.members.forEach(m -> {
                m.initialCluster = initialCluster;
                m.alone = size == 1;
            });
            cluster.launchAll();
            cluster.awaitHealthy(READY_TIMEOUT);
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /** The data dirs of earlier runs, killed too hard for their shutdown hook, that this start removed. Empty almost always. */
    public List<Path> removedLeftovers() {
        return removedLeftovers;
    }

    /** Under the lock {@link #stopAll} takes, so a Ctrl-C cannot miss a dir being made. */
    private synchronized Path createRoot() {
        root = DataDirs.create();
        return root;
    }

    private synchronized void launchAll() {
        members.forEach(LocalMember::launch);
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

    @Override
    public long pid(int index) {
        return members.get(index).etcd.pid();
    }

    public boolean isRunning(int index) {
        GuardedProcess etcd = members.get(index).etcd;
        return etcd != null && etcd.isAlive();
    }

    /** SIGKILL, as a crash or a pulled plug would: no goodbye to the other members. */
    @Override
    public void kill(int index) {
        members.get(index).stop();
    }

    /** Starts a killed member again on its old data dir and ports; it rejoins and catches up. */
    @Override
    public void restart(int index) {
        LocalMember m = members.get(index);
        if (isRunning(index)) {
            throw new IllegalStateException(m.name + " is still running");
        }
        m.launch();
    }

    /** Cuts member {@code index} off from its peers through the proxies ({@link Setup#partitionable()} only). */
    @Override
    public void cutOff(int index) {
        partitions().cutOff(index);
    }

    /** Ends every cut through the proxies ({@link Setup#partitionable()} only). */
    @Override
    public void heal() {
        partitions().heal();
    }

    /** The proxies between the members and to their clients, when started {@link Setup#partitionable()}. */
    public Partitions partitions() {
        if (partitions == null) {
            throw new IllegalStateException("this cluster was not started partitionable");
        }
        return partitions;
    }

    /** Waits until every running member answers /health with true: it has a leader and a quorum read succeeded. */
    public void awaitHealthy(Duration timeout) {
        for (LocalMember m : members) {
            if (!m.wanted) {
                continue;
            }
            try {
                Poll.until(timeout, "etcd member " + m.name + " at " + m.clientUrl() + " becoming healthy", () -> {
                    if (!m.etcd.isAlive()) {
                        throw new DemoFailure("etcd member " + m.name + " (" + m.binary + ") exited" + m.logTail());
                    }
                    return probe.healthy(m) ? Optional.of(m) : Optional.empty();
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
        return leaderAsked(i -> true);
    }

    /**
     * The same, without asking member {@code silent} (frozen or cut off: its answer, if any, would come only
     * after a probe's timeout of seconds, and the others' majority decides alone).
     */
    public OptionalInt leaderWithout(int silent) {
        return leaderAsked(i -> i != silent);
    }

    private OptionalInt leaderAsked(IntPredicate asked) {
        Map<String, Integer> selfIds = new HashMap<>();
        Map<String, Integer> votes = new HashMap<>();
        for (int i = 0; i < members.size(); i++) {
            Optional<MemberProbe.Status> status = isRunning(i) && asked.test(i) ? probe.status(members.get(i)) : Optional.empty();
            if (status.isPresent() && !status.get().leader().equals("0")) {
                selfIds.put(status.get().self(), i);
                votes.merge(status.get().leader(), 1, Integer::sum);
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

    /** Each member's ID in hex (as etcd's peer requests name their sender) to its index, asked of a running member. */
    private Map<String, Integer> membersByHexId() {
        return IntStream.range(0, members.size()).filter(this::isRunning).mapToObj(i -> probe.membersByHexId(members.get(i)))
            .filter(ids -> ids.size() == members.size()).findFirst()
            .orElseThrow(() -> new DemoFailure("no member of the local cluster listed all " + members.size() + " members"));
    }

    /** The member's name: m0, m1, ... */
    public String name(int index) {
        return members.get(index).name;
    }

    @Override
    public void close() {
        exitHook.runNow();
    }

    /** SIGKILL: the data is deleted next, so etcd's graceful stop (which may wait on dead peers) buys nothing. */
    private synchronized void stopAll() {
        members.forEach(LocalMember::kill);
        members.forEach(LocalMember::awaitGone);
        if (partitions != null) {
            partitions.close();
        }
        if (root != null) {
            DataDirs.delete(root);
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
}
