package dev.etcdpoc.recipes;

import static dev.etcdpoc.core.Bytes.bytes;
import static dev.etcdpoc.core.Bytes.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.etcdpoc.connect.ClientFactory;
import dev.etcdpoc.support.Etcd;
import dev.etcdpoc.support.EtcdExtension;
import dev.etcdpoc.support.EtcdFixture;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** FencedLock against a real etcd: one holder at a time, and a holder that lost the lock cannot write. */
@ExtendWith(EtcdExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FencedLockTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String LOCK = "test/fenced-lock/mutex";
    private static final String RESOURCE = "test/fenced-lock/resource";

    @Test
    void theSecondHolderWaitsAndTheFirstIsFencedOffOnceItReleased(EtcdFixture etcd) throws Exception {
        try (Client client = new ClientFactory(WAIT).create(etcd.endpoints());
             Etcd check = new Etcd(etcd.endpoints());
             KeptAliveLease lease1 = KeptAliveLease.grant(client, "holder-1", 10, WAIT);
             KeptAliveLease lease2 = KeptAliveLease.grant(client, "holder-2", 10, WAIT)) {
            FencedLock first = FencedLock.acquire(client, LOCK, lease1.id(), WAIT);
            CompletableFuture<FencedLock> second = FencedLock.request(client, LOCK, lease2.id(), WAIT);
            assertThat(first.write(put("first"))).as("the holder's fenced write").isTrue();
            assertThat(second).as("the second contender, while the first holds the lock").isNotDone();

            first.release();
            FencedLock holder = second.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(holder.revision()).as("the fencing tokens grow").isGreaterThan(first.revision());
            assertThat(first.write(put("stale"))).as("a write by the holder that let go").isFalse();
            assertThat(holder.write(put("second"))).isTrue();
            holder.close();
            var stored = check.await(check.client().getKVClient().get(bytes(RESOURCE))).getKvs().get(0);
            assertThat(text(stored.getValue())).as("what etcd holds: the second holder's value").isEqualTo("second");
            assertThat(stored.getVersion()).as("written twice: the stale write never landed").isEqualTo(2);
            assertThat(check.count(LOCK + "/")).as("lock keys left").isZero();
        } finally {
            try (Etcd check = new Etcd(etcd.endpoints())) {
                check.delete(RESOURCE);
            }
        }
    }

    @Test
    void aLockHeldByAnotherLeaseIsWaitedForBoundedNeverTaken(EtcdFixture etcd) {
        try (Client client = new ClientFactory(Duration.ofMillis(500)).create(etcd.endpoints());
             KeptAliveLease other = KeptAliveLease.grant(client, "other", 10, WAIT);
             KeptAliveLease mine = KeptAliveLease.grant(client, "mine", 10, WAIT);
             FencedLock held = FencedLock.acquire(client, LOCK, other.id(), WAIT)) {
            assertThatThrownBy(() -> FencedLock.acquire(client, LOCK, mine.id(), Duration.ofSeconds(2)))
                .isInstanceOf(RecipeException.class).hasMessage("LOCK " + LOCK)
                .satisfies(e -> assertThat(e.getCause()).isNotNull());
            assertThat(held.write(put("still mine"))).as("the other holder's lock, untouched").isTrue();
        } finally {
            try (Etcd check = new Etcd(etcd.endpoints())) {
                check.delete(RESOURCE);
            }
        }
    }

    private static Op put(String value) {
        return Op.put(bytes(RESOURCE), bytes(value), PutOption.DEFAULT);
    }
}
