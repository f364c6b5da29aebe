package dev.etcdpoc.versus;

import java.util.List;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.params.SetParams;

/**
 * A lock worker on Redis with its common recipe: {@code SET lock TOKEN NX PX ttl} takes the lock if nobody
 * holds it, a Lua script deletes it only if it still holds this worker's token. The writes to the shared
 * record are plain SETs: Redis's lock has no fencing token for the record to check.
 */
final class RedisLockWorker extends LockWorker {
    static final String LOCK = VersusRun.PREFIX + "lock";
    static final String RECORD = VersusRun.PREFIX + "record";
    static final String RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";
    /** The recipe's pause before trying again when the lock is taken, and after a release (so that others get a turn). */
    private static final long RETRY_MS = 5;

    private final RedisCalls redis;

    RedisLockWorker(int id, RedisCalls redis, LockLog log) {
        super(id, log);
        this.redis = redis;
    }

    @Override
    void holdOnce() {
        String token = nextToken();
        long asked = System.nanoTime();
        RedisCalls.Answer<String> taken = redis.write(j -> j.set(LOCK, token, SetParams.setParams().nx().px(TTL_MS)), "OK"::equals);
        if (!taken.answered() || !"OK".equals(taken.value())) {
            if (taken.unknown()) {
                // It may hold the lock after all: let it go rather than block the others for a TTL.
                release(token);
            }
            pause();
            return;
        }
        writeWhileHeld(token, asked, System.nanoTime(), value -> {
            RedisCalls.Answer<String> written = redis.write(j -> j.set(RECORD, value), ok -> true);
            return written.answered() ? LockLog.Outcome.ACCEPTED : written.failed() ? LockLog.Outcome.REFUSED : LockLog.Outcome.UNKNOWN;
        });
        release(token);
        pause();
    }

    private void release(String token) {
        redis.write(j -> j.eval(RELEASE, List.of(LOCK), List.of(token)), released -> Long.valueOf(1).equals(released));
    }

    private static void pause() {
        try {
            TimeUnit.MILLISECONDS.sleep(RETRY_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
