package dev.etcdpoc.versus;

import dev.etcdpoc.check.Model;
import dev.etcdpoc.check.Operation;
import dev.etcdpoc.core.Poll;
import dev.etcdpoc.local.Breakable;
import dev.etcdpoc.local.LocalRedis;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Redis as teams run it for high availability ({@link LocalRedis}: a primary, two replicas, three
 * Sentinels), reached through Jedis's Sentinel pool ({@link RedisCalls}); as configured by default, or
 * hardened: {@code min-replicas-to-write 1} on the servers and {@code WAIT 1} after each write.
 */
final class RedisContender implements Contender {
    /** Keys per MGET of the final read. */
    private static final int FINAL_BATCH = 500;

    private final boolean hardened;
    private final LocalRedis redis;
    private final RedisCalls calls;
    private final CallLog log = new CallLog();
    private final Map<String, RegisterCall> finalReads = new HashMap<>();

    /** @param connections how many clients and workers share the pool */
    RedisContender(boolean hardened, int connections) {
        this(LocalRedis.start(hardened ? LocalRedis.Setup.HARDENED : LocalRedis.Setup.AS_CONFIGURED), hardened, connections);
    }

    /** Around a Redis already started, which {@link #close()} stops. */
    RedisContender(LocalRedis redis, boolean hardened, int connections) {
        this.hardened = hardened;
        this.redis = redis;
        try {
            calls = new RedisCalls(redis, connections, hardened);
        } catch (RuntimeException e) {
            redis.close();
            throw e;
        }
    }

    @Override
    public String label() {
        return hardened ? "hardened Redis" : "Redis";
    }

    @Override
    public String title() {
        return "Redis " + redis.version() + ": a primary, two replicas, three Sentinels" + (hardened ? ", hardened" : ", as configured");
    }

    @Override
    public List<String> settings() {
        Map<String, String> sentinel = redis.sentinelSettings();
        int primary = leader();
        List<String> lines = new ArrayList<>(List.of(
            "Sentinel: down-after-milliseconds " + sentinel.get("down-after-milliseconds") + ", failover-timeout "
                + sentinel.get("failover-timeout") + ", quorum " + sentinel.get("quorum") + " of 3 Sentinels",
            "servers: min-replicas-to-write " + redis.setting(primary, "min-replicas-to-write") + " (min-replicas-max-lag "
                + redis.setting(primary, "min-replicas-max-lag") + " s), appendonly " + redis.setting(primary, "appendonly")
                + ", appendfsync " + redis.setting(primary, "appendfsync") + ", repl-diskless-sync-delay "
                + redis.setting(primary, "repl-diskless-sync-delay") + " (Redis's default 5 s, lowered: the replicas start together)",
            "replication is asynchronous: a write is answered by the primary before any replica has it"));
        lines.add("clients: Jedis's JedisSentinelPool through the Sentinels, one attempt per command, "
            + RedisCalls.DEADLINE.toMillis() + " ms socket timeout" + (hardened ? "; after each write that changed something, WAIT 1 "
            + RedisCalls.WAIT_MS + ": a write no replica acknowledged counts as unknown" : ""));
        return lines;
    }

    @Override
    public Breakable cluster() {
        return redis;
    }

    @Override
    public String leaderWord() {
        return "primary";
    }

    @Override
    public String followerWord() {
        return "replica";
    }

    @Override
    public int size() {
        return redis.size();
    }

    @Override
    public String name(int member) {
        return redis.name(member);
    }

    @Override
    public int leader() {
        return Poll.until(VersusRun.BOUND, "the Sentinels naming a primary", () -> {
            var primary = redis.primary();
            return primary.isPresent() ? Optional.of(primary.getAsInt()) : Optional.empty();
        });
    }

    @Override
    public int awaitNewLeader(int old) {
        return redis.awaitFailover(old, VersusRun.BOUND);
    }

    @Override
    public void awaitWhole() {
        redis.awaitHealthy(VersusRun.BOUND);
    }

    @Override
    public RegisterClient client(int id) {
        return new RedisRegisters(id, calls, log);
    }

    @Override
    public LockWorker worker(int id, LockLog lockLog) {
        return new RedisLockWorker(id, calls, lockLog);
    }

    /** MGETs of the primary the Sentinels name, each recorded as a get of each of its keys at its instant. */
    @Override
    public void readFinalState(Collection<String> keys) {
        List<String> all = List.copyOf(keys);
        for (int from = 0; from < all.size(); from += FINAL_BATCH) {
            List<String> batch = all.subList(from, Math.min(all.size(), from + FINAL_BATCH));
            long[] invoked = new long[1];
            List<String> values = Poll.until(VersusRun.BOUND, "a read of the final state", () -> {
                invoked[0] = System.nanoTime();
                RedisCalls.Answer<List<String>> answer = calls.read(j -> j.mget(batch.toArray(String[]::new)));
                return answer.answered() ? Optional.of(answer.value()) : Optional.empty();
            });
            long completed = System.nanoTime();
            for (int i = 0; i < batch.size(); i++) {
                RegisterCall read = new RegisterCall(VersusRun.FINAL_READER, invoked[0], completed, new RegisterCall.Get(batch.get(i)),
                    new RegisterCall.Value(values.get(i)));
                log.add(read);
                finalReads.put(batch.get(i), read);
            }
        }
    }

    @Override
    public List<RegisterCall> calls() {
        return log.calls();
    }

    @Override
    public Map<String, RegisterCall> finalReads() {
        return Map.copyOf(finalReads);
    }

    @Override
    public List<Operation> operations() {
        return RegisterCall.forChecker(calls());
    }

    @Override
    public Model model() {
        return Model.REGISTER;
    }

    @Override
    public void close() {
        try {
            calls.close();
        } finally {
            redis.close();
        }
    }
}
