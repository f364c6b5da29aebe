package dev.etcdpoc.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * The Redis harness under its faults: Sentinel replaces a primary that was killed, frozen or cut off, and
 * once the fault ends the old primary rejoins as a replica of the new one. Cut off, the old primary still
 * takes a client's writes — and loses them when it rejoins, as Redis's documentation says a partition can.
 *
 * <p>The primary once Redis is whole again need not be the replica first promoted: with a 1 s
 * down-after-milliseconds on a busy machine, Sentinel may fail over a second time right after the first.
 * Seen here in 2 of 12 kills with two busy loops beside the test (0 of 12 quiet), and once in CI: a
 * Sentinel that had just switched to the new primary had no answer to its PING from it within the second
 * (it came 50 ms later), took it for down, and counted the other Sentinels' "down" from the first failover
 * again (odown 3/2 though neither of them had it down). A new connection and PING through this harness's
 * proxy took 24 ms at most in the same conditions (docs/redis.md). So the tests ask of the primary only
 * what the fault promises: the old one is a replica again, linked up.
 */
@Tag("fault")
@Tag("redis") // the Redis comparison's long tests run once, on CI's default etcd (leg 1)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class LocalRedisFaultTest {
    private static final Duration BOUND = Duration.ofSeconds(40);

    @Test
    void aPrimaryKilledFrozenOrCutOffIsReplacedAndRejoinsAsAReplica() {
        try (LocalRedis redis = LocalRedis.start(LocalRedis.Setup.AS_CONFIGURED)) {
            for (String fault : new String[] {"kill", "freeze", "cut off"}) {
                int old = redis.awaitHealthy(BOUND);
                switch (fault) {
                    case "kill" -> redis.kill(old);
                    case "freeze" -> redis.freeze(old);
                    default -> redis.cutOff(old);
                }
                redis.awaitFailover(old, BOUND);
                switch (fault) {
                    case "kill" -> redis.restart(old);
                    case "freeze" -> redis.thaw(old);
                    default -> redis.heal();
                }
                assertThat(redis.awaitHealthy(BOUND)).as("the primary after the %s", fault).isNotEqualTo(old);
                assertThat(redis.replication(old)).as("the old primary after the %s", fault)
                    .containsEntry("role", "slave").containsEntry("master_link_status", "up");
            }
        }
    }

    @Test
    void writesTheCutOffPrimaryAcknowledgedAreGoneOnceItRejoins() {
        try (LocalRedis redis = LocalRedis.start(LocalRedis.Setup.AS_CONFIGURED)) {
            int old = redis.awaitHealthy(BOUND);
            try (Jedis before = connect(redis.address(old))) {
                before.set("before", "kept");
                assertThat(before.waitReplicas(2, 5000)).as("replicas that have it").isEqualTo(2);
            }
            redis.cutOff(old);
            redis.awaitFailover(old, BOUND);
            try (Jedis oldPrimary = connect(redis.address(old))) {
                assertThat(oldPrimary.set("during", "acknowledged")).as("the cut-off primary still answers its clients").isEqualTo("OK");
            }
            redis.heal();
            int now = redis.awaitHealthy(BOUND);
            assertThat(now).as("the primary after the heal").isNotEqualTo(old);

            try (Jedis newPrimary = connect(redis.address(now)); Jedis rejoined = connect(redis.address(old))) {
                assertThat(newPrimary.get("before")).isEqualTo("kept");
                assertThat(newPrimary.get("during")).as("the acknowledged write on the new primary").isNull();
                assertThat(rejoined.get("during")).as("the acknowledged write on the old primary, resynced").isNull();
            }
        }
    }

    @Test
    void aFrozenReplicaChangesNoPrimary() {
        try (LocalRedis redis = LocalRedis.start(LocalRedis.Setup.AS_CONFIGURED)) {
            int primary = redis.awaitHealthy(BOUND);
            int replica = (primary + 1) % redis.size();
            redis.freeze(replica);
            redis.thaw(replica);
            assertThat(redis.awaitHealthy(BOUND)).isEqualTo(primary);
        }
    }

    private static Jedis connect(HostAndPort address) {
        return new Jedis(address, DefaultJedisClientConfig.builder().autoNegotiateProtocol(false).socketTimeoutMillis(2000).build());
    }
}
