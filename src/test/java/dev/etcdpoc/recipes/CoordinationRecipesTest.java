package dev.etcdpoc.recipes;

import static dev.etcdpoc.core.Bytes.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdpoc.connect.ClientFactory;
import dev.etcdpoc.core.Bytes;
import dev.etcdpoc.support.Etcd;
import dev.etcdpoc.support.EtcdExtension;
import dev.etcdpoc.support.EtcdFixture;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** LeaderElection, ServiceRegistry, CompareAndSwap and OwnedKeys against a real etcd that other clients use meanwhile. */
@ExtendWith(EtcdExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CoordinationRecipesTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String PREFIX = "test/recipes/";

    @Test
    void oneLeaderAtATimeTheObserverSeesEachAndALostLeaseEndsLeadership(EtcdFixture etcd) throws Exception {
        String election = PREFIX + "election";
        try (Client client = new ClientFactory(WAIT).create(etcd.endpoints());
             LeaderElection.Observer observer = LeaderElection.observe(client, election, revision(client), WAIT);
             KeptAliveLease lease1 = KeptAliveLease.grant(client, "candidate-1", 10, WAIT);
             KeptAliveLease lease2 = KeptAliveLease.grant(client, "candidate-2", 10, WAIT)) {
            LeaderElection.Leadership first = LeaderElection.lead(client, election, lease1.id(), "one", WAIT);
            CompletableFuture<LeaderElection.Leadership> second = LeaderElection.campaign(client, election, lease2.id(), "two", WAIT);
            assertThat(observer.nextLeader(null, WAIT)).isEqualTo("one");
            assertThat(second).as("the second candidate, while the first leads").isNotDone();

            lease1.revoke(); // as when the leader's lease is lost: its key goes, the next candidate leads
            assertThat(first.stillLeads()).as("the first candidate, after its lease is gone").isFalse();
            LeaderElection.Leadership now = second.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(observer.nextLeader("one", WAIT)).isEqualTo("two");
            assertThat(now.stillLeads()).isTrue();
            assertThat(LeaderElection.leader(client, election, WAIT)).isEqualTo("two");
            now.resign();
            assertThat(LeaderElection.leader(client, election, WAIT)).as("after the last resigned").isNull();
        }
    }

    @Test
    void aRegistrationLivesWithItsLease(EtcdFixture etcd) throws Exception {
        try (Client client = new ClientFactory(WAIT).create(etcd.endpoints())) {
            ServiceRegistry registry = new ServiceRegistry(client, PREFIX + "services/", WAIT);
            ServiceRegistry.Registration crashed = registry.register("a", "10.0.0.1:80", 2);
            try (ServiceRegistry.Registration clean = registry.register("b", "10.0.0.2:80", 2)) {
                assertThat(registry.list().instances()).containsOnlyKeys("a", "b").containsEntry("b", "10.0.0.2:80");
                crashed.lease().stopKeepAlive();
                assertThat(crashed.lease().lost()).isNotDone();
                // Expiry is etcd's, a TTL after the last renewal: asked again until it is so, bounded.
                dev.etcdpoc.core.Poll.until(Duration.ofSeconds(10), "the crashed instance expiring",
                    () -> registry.list().instances().containsKey("a") ? java.util.Optional.empty() : java.util.Optional.of(true));
                assertThat(registry.list().instances()).as("the live one, still renewed").containsOnlyKeys("b");
            }
            assertThat(registry.list().instances()).as("after the clean shutdown").isEmpty();
        }
    }

    @Test
    void concurrentReadModifyWritesLoseNoUpdate(EtcdFixture etcd) throws Exception {
        String key = PREFIX + "counter";
        try (Client client = new ClientFactory(WAIT).create(etcd.endpoints()); Etcd check = new Etcd(etcd.endpoints())) {
            check.put(key, "0");
            List<CompletableFuture<CompareAndSwap.Attempt>> writers = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                writers.add(CompletableFuture.supplyAsync(() -> {
                    CompareAndSwap.Attempt last = null;
                    for (int n = 0; n < 10; n++) {
                        last = CompareAndSwap.update(client, CompareAndSwap.read(client, key, WAIT),
                            v -> String.valueOf(Integer.parseInt(v) + 1), 100, WAIT, null);
                    }
                    return last;
                }));
            }
            for (CompletableFuture<CompareAndSwap.Attempt> writer : writers) {
                writer.get(WAIT.toSeconds() * 6, TimeUnit.SECONDS);
            }
            assertThat(Bytes.value(check.await(check.client().getKVClient().get(bytes(key))))).as("6 writers x 10 increments")
                .isEqualTo("60");
        } finally {
            try (Etcd check = new Etcd(etcd.endpoints())) {
                check.delete(key);
            }
        }
    }

    @Test
    void ownedKeysDeletesOnlyKeysStillAsItCreatedThem(EtcdFixture etcd) {
        try (Client client = new ClientFactory(WAIT).create(etcd.endpoints()); Etcd check = new Etcd(etcd.endpoints())) {
            try (OwnedKeys owned = new OwnedKeys(client, WAIT)) {
                owned.add(PREFIX + "mine", check.put(PREFIX + "mine", "x"));
                owned.add(PREFIX + "recreated", check.put(PREFIX + "recreated", "x"));
                check.delete(PREFIX + "recreated");
                check.put(PREFIX + "recreated", "someone else's");
            }
            assertThat(check.count(PREFIX + "mine")).as("the key as created: deleted").isZero();
            KeyValue other = check.await(check.client().getKVClient().get(bytes(PREFIX + "recreated"))).getKvs().get(0);
            assertThat(Bytes.text(other.getValue())).as("a key created again by someone else: left alone").isEqualTo("someone else's");
        } finally {
            try (Etcd check = new Etcd(etcd.endpoints())) {
                check.deleteUnder(PREFIX);
            }
        }
    }

    private static long revision(Client client) throws Exception {
        return client.getKVClient().get(bytes(PREFIX)).get(10, TimeUnit.SECONDS).getHeader().getRevision() + 1;
    }
}
