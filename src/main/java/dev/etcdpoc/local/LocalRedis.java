package dev.etcdpoc.local;

import dev.etcdpoc.core.DemoFailure;
import dev.etcdpoc.core.Poll;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.HostAndPortMapper;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.exceptions.JedisException;

/**
 * A throwaway Redis as teams run it for high availability: one primary, two replicas and three Sentinels,
 * started from {@code redis-server} ({@link ServerBinary#REDIS}) on 127.0.0.1, free ports, a temp dir
 * ({@link DataDirs}); killed by PID and deleted on {@link #close()}, on Ctrl-C (a shutdown hook), and by each
 * process's guard when the JVM is killed ({@link GuardedProcess}).
 *
 * <p>How a server is cut off without root: each server has a loopback proxy in front of it
 * ({@link LoopbackProxy}), and announces the proxy's port as its address ({@code replica-announce-port}; the
 * first primary is monitored and replicated at its proxy), so the other servers and the Sentinels reach it
 * only through the proxy, which can black-hole what crosses it. The clients are routed around the proxies
 * ({@link #clientRoute()}: from the announced port to the server's own): they still reach a cut-off primary,
 * as clients on its side of a partition would. A cut-off primary makes no connection of its own (a primary
 * connects to nobody), so blocking its proxy cuts it off both ways.
 */
public final class LocalRedis implements AutoCloseable, Breakable {
    /** The name the Sentinels monitor the primary by. */
    public static final String MASTER = "mymaster";
    /**
     * Sentinel's settings here. Its defaults (30 s and 3 min) are for real networks; a second without an
     * answer is already long on loopback, and a failover then fits a run of seconds. Teams lower them too.
     */
    public static final int DOWN_AFTER_MS = 1000;
    public static final int FAILOVER_TIMEOUT_MS = 10_000;
    /** Sentinels that must agree a primary is down before one of them fails it over. */
    public static final int QUORUM = 2;
    /** What to do when there is no redis-server to start. */
    public static final String NO_BINARY = "no redis-server to start (REDIS_BINARY, else .redis/bin/redis-server, else the PATH): "
        + "run scripts/install-redis.sh (Debian bookworm's Redis 7.0 into .redis/)";
    static final int SERVERS = 3;
    static final int SENTINELS = 3;
    /** A start takes 1-3 s here (the Sentinels find each other through hello messages every 2 s). */
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    private static final int PROBE_TIMEOUT_MS = 500;

    /**
     * How the servers are set up beyond Redis's defaults.
     *
     * @param serverSettings extra lines of each server's config, such as {@code min-replicas-to-write 1}
     */
    public record Setup(List<String> serverSettings) {
        /** Redis's own defaults: asynchronous replication, a primary writes with no replica attached. */
        public static final Setup AS_CONFIGURED = new Setup(List.of());
        /** A primary refuses writes unless a replica acknowledged within min-replicas-max-lag (10 s). */
        public static final Setup HARDENED = new Setup(List.of("min-replicas-to-write 1"));
    }

    private final List<RedisProcess> servers = new ArrayList<>();
    private final List<RedisProcess> sentinels = new ArrayList<>();
    private final List<LoopbackProxy> proxies = new ArrayList<>();
    private final Object gate = new Object();
    /** Guarded by gate: the servers cut off now. */
    private final Set<Integer> cut = new HashSet<>();
    /** In place before the dir exists, so a Ctrl-C at any moment deletes it. */
    private final ExitHook exitHook = new ExitHook("local-redis-stop", this::stopAll);
    private Path root;

    private LocalRedis() {
    }

    /** True when there is a redis-server to start. */
    public static boolean binaryAvailable() {
        return ServerBinary.REDIS.find() != null;
    }

    /**
     * Starts the servers and Sentinels, and returns once every replica's link to the primary is up (its
     * first full sync done) and every Sentinel knows the primary, both replicas and the other Sentinels.
     * A start that failed on a port taken meanwhile is tried again, with new ports, twice at most.
     */
    public static LocalRedis start(Setup setup) {
        for (int attempt = 1; ; attempt++) {
            try {
                return startOnce(setup);
            } catch (DemoFailure e) {
                if (attempt == 3 || !String.valueOf(e.getMessage()).contains("Address already in use")) {
                    throw e;
                }
            }
        }
    }

    private static LocalRedis startOnce(Setup setup) {
        Path binary = ServerBinary.REDIS.find();
        if (binary == null) {
            throw new DemoFailure(NO_BINARY);
        }
        LocalRedis redis = new LocalRedis();
        try {
            DataDirs.removeLeftovers();
            redis.launch(binary, setup);
            redis.awaitHealthy(READY_TIMEOUT);
            return redis;
        } catch (RuntimeException e) {
            redis.close();
            throw e;
        }
    }

    /** Under the lock {@link #stopAll} takes, so a Ctrl-C cannot miss a dir being made or a process being started. */
    private synchronized void launch(Path binary, Setup setup) {
        root = DataDirs.create();
        int[] ports = LoopbackPorts.free(SERVERS + SENTINELS, InetAddress.getLoopbackAddress());
        for (int i = 0; i < SERVERS; i++) {
            int index = i;
            proxies.add(new LoopbackProxy(ports[i], null, from -> cut.contains(index), gate));
        }
        for (int i = 0; i < SERVERS; i++) {
            List<String> config = new ArrayList<>(common(ports[i], root.resolve("r" + i)));
            // What the others and the Sentinels are told to connect to: this server's proxy.
            config.addAll(List.of("replica-announce-ip 127.0.0.1", "replica-announce-port " + proxies.get(i).port(),
                // A replica's first full sync would wait 5 s for more replicas to share it; here they connect together.
                "repl-diskless-sync-delay 0"));
            if (i > 0) {
                config.add("replicaof 127.0.0.1 " + proxies.get(0).port());
            }
            config.addAll(setup.serverSettings());
            servers.add(new RedisProcess(binary, "r" + i, ports[i], root.resolve("r" + i), false, config));
        }
        for (int i = 0; i < SENTINELS; i++) {
            List<String> config = new ArrayList<>(common(ports[SERVERS + i], root.resolve("s" + i)));
            config.addAll(List.of("sentinel monitor " + MASTER + " 127.0.0.1 " + proxies.get(0).port() + " " + QUORUM,
                "sentinel down-after-milliseconds " + MASTER + " " + DOWN_AFTER_MS,
                "sentinel failover-timeout " + MASTER + " " + FAILOVER_TIMEOUT_MS));
            sentinels.add(new RedisProcess(binary, "s" + i, ports[SERVERS + i], root.resolve("s" + i), true, config));
        }
        servers.forEach(RedisProcess::launch);
        sentinels.forEach(RedisProcess::launch);
    }

    private static List<String> common(int port, Path dir) {
        return List.of("bind 127.0.0.1", "port " + port, "dir " + dir, "daemonize no", "logfile \"\"");
    }

    /** The Redis version the servers run, such as "7.0.15". */
    public String version() {
        return ServerBinary.REDIS.version(servers.get(0).binary);
    }

    /** How many servers (primary and replicas). */
    public int size() {
        return servers.size();
    }

    /** The server's name: r0, r1, r2. */
    public String name(int index) {
        return servers.get(index).name;
    }

    @Override
    public long pid(int index) {
        return servers.get(index).pid();
    }

    public boolean isRunning(int index) {
        return servers.get(index).isRunning();
    }

    /** Where the Sentinels listen: what a client is given. */
    public Set<HostAndPort> sentinels() {
        return sentinels.stream().map(s -> new HostAndPort("127.0.0.1", s.port)).collect(Collectors.toCollection(LinkedHashSet::new));
    }

    /** The processes this Redis runs now (servers and Sentinels), by PID. */
    public List<Long> pids() {
        return Stream.concat(servers.stream(), sentinels.stream()).filter(RedisProcess::isRunning).map(RedisProcess::pid).toList();
    }

    /** The temp dir that holds every server's and Sentinel's folder, config and log. */
    public Path dir() {
        return root;
    }

    /** Every port this Redis listens on: its servers', its proxies' and its Sentinels'. */
    public List<Integer> ports() {
        return Stream.of(servers.stream().map(s -> s.port), proxies.stream().map(LoopbackProxy::port), sentinels.stream().map(s -> s.port))
            .flatMap(s -> s).toList();
    }

    /** Server {@code index}'s own address, which only this process's clients use. */
    public HostAndPort address(int index) {
        return new HostAndPort("127.0.0.1", servers.get(index).port);
    }

    /**
     * For a client's config ({@code DefaultJedisClientConfig.builder().hostAndPortMapper(...)}): a server's
     * announced address (its proxy, which the Sentinels name) to its own port, so that the client reaches a
     * cut-off server as clients on its side of the partition would.
     */
    public HostAndPortMapper clientRoute() {
        Map<Integer, Integer> own = new HashMap<>();
        for (int i = 0; i < servers.size(); i++) {
            own.put(proxies.get(i).port(), servers.get(i).port);
        }
        return announced -> new HostAndPort(announced.getHost(), own.getOrDefault(announced.getPort(), announced.getPort()));
    }

    /** A setting as server {@code index} reports it (CONFIG GET), such as "appendfsync" -> "everysec". */
    public String setting(int index, String name) {
        return ask(servers.get(index).port, j -> j.configGet(name).get(name))
            .orElseThrow(() -> new DemoFailure("redis server " + name(index) + " did not answer CONFIG GET " + name));
    }

    /** What a Sentinel says of the primary it monitors (SENTINEL MASTER): its down-after-milliseconds, failover-timeout, quorum... */
    public Map<String, String> sentinelSettings() {
        return ask(sentinels.get(0).port, j -> j.sentinelMaster(MASTER))
            .orElseThrow(() -> new DemoFailure("redis Sentinel " + sentinels.get(0).name + " did not answer SENTINEL MASTER " + MASTER));
    }

    /** The primary a majority of the Sentinels name now, if they do. */
    public OptionalInt primary() {
        Map<Integer, Integer> votes = new HashMap<>();
        for (RedisProcess s : sentinels) {
            ask(s.port, j -> j.sentinelGetMasterAddrByName(MASTER)).map(this::serverAt).filter(i -> i >= 0)
                .ifPresent(i -> votes.merge(i, 1, Integer::sum));
        }
        return votes.entrySet().stream().filter(v -> v.getValue() > sentinels.size() / 2).mapToInt(Map.Entry::getKey).findFirst();
    }

    /** Waits until a majority of the Sentinels name a primary other than {@code old}: a failover. */
    public int awaitFailover(int old, Duration timeout) {
        return Poll.until(timeout, "Sentinel failing over from " + name(old), () -> {
            OptionalInt now = primary();
            return now.isPresent() && now.getAsInt() != old ? Optional.of(now.getAsInt()) : Optional.empty();
        });
    }

    /**
     * Waits until Redis is whole again, and returns its primary: every Sentinel names the same primary,
     * which says it is one, and sees it, both replicas and the two other Sentinels as up; each other server
     * is a replica of it with its link up (after a failover, the old primary rejoined and resynced).
     */
    public int awaitHealthy(Duration timeout) {
        try {
            return Poll.until(timeout, "redis (" + SERVERS + " servers, " + SENTINELS + " Sentinels) becoming whole", () -> {
                requireRunning();
                return healthyPrimary();
            });
        } catch (DemoFailure e) {
            throw new DemoFailure(e.getMessage() + ": " + state(), e);
        }
    }

    private void requireRunning() {
        for (RedisProcess p : Stream.concat(servers.stream(), sentinels.stream()).toList()) {
            if (p.wanted() && !p.isRunning()) {
                throw new DemoFailure("redis " + (p.isSentinel() ? "Sentinel " : "server ") + p.name + " (" + p.binary + ") exited"
                    + p.logTail());
            }
        }
    }

    private Optional<Integer> healthyPrimary() {
        Set<Integer> named = new HashSet<>();
        for (RedisProcess s : sentinels) {
            Optional<Integer> primary = ask(s.port, j -> j.sentinelGetMasterAddrByName(MASTER)).map(this::serverAt);
            if (primary.isEmpty() || primary.get() < 0) {
                return Optional.empty();
            }
            named.add(primary.get());
        }
        if (named.size() != 1) {
            return Optional.empty();
        }
        int primary = named.iterator().next();
        if (!"master".equals(replication(primary).get("role"))) {
            return Optional.empty();
        }
        for (int i = 0; i < servers.size(); i++) {
            Map<String, String> info = replication(i);
            if (i != primary && !("slave".equals(info.get("role")) && String.valueOf(proxies.get(primary).port()).equals(info.get("master_port"))
                && "up".equals(info.get("master_link_status")))) {
                return Optional.empty();
            }
        }
        for (RedisProcess s : sentinels) {
            if (!sentinelSeesAllUp(s, primary)) {
                return Optional.empty();
            }
        }
        return Optional.of(primary);
    }

    /** The Sentinel sees the primary and both replicas up, none of them failing over, and the two other Sentinels. */
    private boolean sentinelSeesAllUp(RedisProcess sentinel, int primary) {
        return ask(sentinel.port, j -> {
            Map<String, String> master = j.sentinelMaster(MASTER);
            if (!"master".equals(master.get("flags")) || !String.valueOf(sentinels.size() - 1).equals(master.get("num-other-sentinels"))) {
                return false;
            }
            Set<Integer> upReplicas = j.sentinelReplicas(MASTER).stream().filter(r -> "slave".equals(r.get("flags")))
                .map(r -> serverAt(List.of(r.get("ip"), r.get("port")))).collect(Collectors.toSet());
            return IntStream.range(0, servers.size()).filter(i -> i != primary).allMatch(upReplicas::contains);
        }).orElse(false);
    }

    /** The index of the server whose announced address this is, or -1. */
    private int serverAt(List<String> hostAndPort) {
        if (hostAndPort == null || hostAndPort.size() != 2) {
            return -1;
        }
        int port = Integer.parseInt(hostAndPort.get(1));
        return IntStream.range(0, proxies.size()).filter(i -> proxies.get(i).port() == port).findFirst().orElse(-1);
    }

    /** INFO replication of server {@code index} as a map; empty when it does not answer. */
    public Map<String, String> replication(int index) {
        return ask(servers.get(index).port, j -> j.info("replication")).map(LocalRedis::fields).orElse(Map.of());
    }

    private static Map<String, String> fields(String info) {
        Map<String, String> fields = new HashMap<>();
        info.lines().map(l -> l.split(":", 2)).filter(kv -> kv.length == 2).forEach(kv -> fields.put(kv[0], kv[1].trim()));
        return fields;
    }

    /** One line of what each server says of its role, for a failure message. */
    private String state() {
        return IntStream.range(0, servers.size()).mapToObj(i -> {
            Map<String, String> info = replication(i);
            return name(i) + " " + (info.isEmpty() ? "silent" : info.get("role")
                + ("slave".equals(info.get("role")) ? " of :" + info.get("master_port") + " link " + info.get("master_link_status") : ""));
        }).collect(Collectors.joining(", ")) + "; Sentinels name " + sentinels.stream()
            .map(s -> ask(s.port, j -> String.valueOf(j.sentinelGetMasterAddrByName(MASTER))).orElse("nothing"))
            .collect(Collectors.joining(", "));
    }

    /** {@code question} asked of the Redis at {@code port} on a connection of its own; empty when it does not answer in time. */
    private static <T> Optional<T> ask(int port, Function<Jedis, T> question) {
        JedisClientConfig config = DefaultJedisClientConfig.builder()
            .connectionTimeoutMillis(PROBE_TIMEOUT_MS).socketTimeoutMillis(PROBE_TIMEOUT_MS).autoNegotiateProtocol(false).build();
        try (Jedis jedis = new Jedis(new HostAndPort("127.0.0.1", port), config)) {
            return Optional.ofNullable(question.apply(jedis));
        } catch (JedisException e) {
            return Optional.empty();
        }
    }

    @Override
    public void kill(int index) {
        servers.get(index).stop();
    }

    @Override
    public void restart(int index) {
        RedisProcess server = servers.get(index);
        if (server.isRunning()) {
            throw new IllegalStateException(server.name + " is still running");
        }
        server.launch();
    }

    /** Black-holes the server's proxy: its replicas and the Sentinels no longer reach it, nor it them; clients still do. */
    @Override
    public void cutOff(int index) {
        synchronized (gate) {
            cut.add(index);
            gate.notifyAll();
        }
    }

    /** Lets the proxies pass again; what they held is dropped with its connections, which Redis opens again. */
    @Override
    public void heal() {
        synchronized (gate) {
            cut.clear();
            gate.notifyAll();
        }
    }

    @Override
    public void close() {
        exitHook.runNow();
    }

    /** SIGKILL: the data is deleted next. */
    private synchronized void stopAll() {
        List<RedisProcess> all = Stream.concat(servers.stream(), sentinels.stream()).toList();
        all.forEach(RedisProcess::kill);
        all.forEach(RedisProcess::awaitGone);
        proxies.forEach(LoopbackProxy::close);
        if (root != null) {
            DataDirs.delete(root);
        }
    }
}
