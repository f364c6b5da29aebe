package dev.etcdpoc.versus;

import dev.etcdpoc.local.LocalRedis;
import java.time.Duration;
import java.util.function.Function;
import java.util.function.Predicate;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisSentinelPool;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;

/**
 * Redis as a Java service reaches it: Jedis's pool through the Sentinels, which names the primary and
 * follows each failover ({@code +switch-master}). Each command is sent once, with a deadline (the socket
 * timeout), and its outcome is judged conservatively: no connection, nothing sent — failed; Redis's own
 * refusal (READONLY from a demoted primary, NOREPLICAS) — failed; no answer or a broken connection —
 * unknown for a write. Hardened, every write that changed something is followed by {@code WAIT 1}, and a
 * write no replica acknowledged in time is unknown: it is on the primary, and may be lost with it.
 */
final class RedisCalls implements AutoCloseable {
    /** Each command's deadline, as etcd's requests have one. */
    static final Duration DEADLINE = Duration.ofSeconds(1);
    /** How long a hardened write waits for a replica's acknowledgement. */
    static final int WAIT_MS = 500;

    /** A command's outcome: its answer, or failed (changed nothing), or unknown (a write that may have taken effect). */
    record Answer<T>(T value, boolean failed, boolean unknown) {
        boolean answered() {
            return !failed && !unknown;
        }
    }

    private final JedisSentinelPool pool;
    private final boolean waitForReplica;

    /** @param waitForReplica the hardened set-up: {@code WAIT 1} after each write */
    RedisCalls(LocalRedis redis, int connections, boolean waitForReplica) {
        this.waitForReplica = waitForReplica;
        GenericObjectPoolConfig<Jedis> poolConfig = new GenericObjectPoolConfig<>();
        poolConfig.setMaxTotal(connections);
        poolConfig.setMaxWait(DEADLINE);
        int ms = (int) DEADLINE.toMillis();
        JedisClientConfig servers = DefaultJedisClientConfig.builder().connectionTimeoutMillis(ms).socketTimeoutMillis(ms)
            .autoNegotiateProtocol(false).hostAndPortMapper(redis.clientRoute()).build();
        JedisClientConfig sentinels = DefaultJedisClientConfig.builder().connectionTimeoutMillis(ms).socketTimeoutMillis(ms)
            .autoNegotiateProtocol(false).build();
        this.pool = new JedisSentinelPool(LocalRedis.MASTER, redis.sentinels(), poolConfig, servers, sentinels);
    }

    /** A read: its answer, or failed. */
    <T> Answer<T> read(Function<Jedis, T> command) {
        return call(command, false, answer -> false);
    }

    /** A write: its answer, failed, or unknown; hardened, followed by WAIT 1 when {@code changed} says it changed something. */
    <T> Answer<T> write(Function<Jedis, T> command, Predicate<T> changed) {
        return call(command, true, changed);
    }

    private <T> Answer<T> call(Function<Jedis, T> command, boolean write, Predicate<T> changed) {
        Jedis jedis;
        try {
            jedis = pool.getResource();
        } catch (JedisException noConnection) {
            return new Answer<>(null, true, false);
        }
        try {
            T value;
            try {
                value = command.apply(jedis);
            } catch (JedisDataException refused) {
                // Redis answered with an error: READONLY, NOREPLICAS, LOADING. Nothing was written.
                return new Answer<>(null, true, false);
            } catch (JedisException noAnswer) {
                return new Answer<>(null, !write, write);
            }
            boolean unconfirmed = write && waitForReplica && changed.test(value) && !replicaAcknowledged(jedis);
            return new Answer<>(value, false, unconfirmed);
        } finally {
            giveBack(jedis);
        }
    }

    /** Back to the pool (a broken connection is dropped); its failure to take it changes nothing that was answered. */
    private static void giveBack(Jedis jedis) {
        try {
            jedis.close();
        } catch (JedisException e) {
            // the pool could not destroy a broken connection cleanly (a frozen server): it is gone either way
        }
    }

    /** WAIT 1: whether a replica acknowledged this connection's writes in time. */
    private static boolean replicaAcknowledged(Jedis jedis) {
        try {
            return jedis.waitReplicas(1, WAIT_MS) >= 1;
        } catch (JedisException e) {
            return false;
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
