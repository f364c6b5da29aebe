package dev.etcdpoc.recipes;

import static dev.etcdpoc.core.Bytes.bytes;
import static dev.etcdpoc.core.Bytes.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdpoc.connect.ClientFactory;
import dev.etcdpoc.core.Await;
import dev.etcdpoc.core.Endpoints;
import dev.etcdpoc.core.Poll;
import dev.etcdpoc.recipes.ConfigCache.Change;
import dev.etcdpoc.recipes.ConfigCache.Update;
import dev.etcdpoc.recipes.ConfigCache;
import dev.etcdpoc.support.EtcdExtension;
import dev.etcdpoc.support.EtcdFixture;
import dev.etcdpoc.support.FaultyCluster;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link ConfigCache} where watches break for real: a burst of changes on the shared etcd, a member
 * killed and restarted, a member frozen, and history compacted while the cache could not follow (the
 * last three on a throwaway 3-member cluster; the killed and the frozen member with the fault tests).
 */
@ExtendWith(EtcdExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConfigCacheTest {
    private static final Duration REQUEST = Duration.ofSeconds(2);
    private static final Duration BOUND = Duration.ofSeconds(30);

    /** One cluster for the tests that kill members; each test works under its own prefix. */
    @RegisterExtension
    static final FaultyCluster CLUSTER = FaultyCluster.perClass();

    @Test
    void aBurstOfChangesIsAppliedInOrderWithNoneMissed(EtcdFixture etcd) throws Exception {
        String prefix = "test/config-burst/";
        List<Update> updates = new CopyOnWriteArrayList<>();
        try (Client writer = new ClientFactory(BOUND).create(etcd.endpoints());
             Client reader = new ClientFactory(BOUND).create(etcd.endpoints());
             ConfigCache cache = Await.result(ConfigCache.start(reader, bytes(prefix), BOUND, updates::add), BOUND, "LOAD " + prefix)) {
            List<Written> writes = burst(writer.getKVClient(), prefix, 10, 100);
            try {
                long lastRevision = writes.get(writes.size() - 1).revision();
                ConfigCache.Snapshot reached = cache.awaitCurrent(lastRevision, BOUND);

                assertThat(writes).as("one revision per write").hasSize(1000)
                    .extracting(Written::revision).doesNotHaveDuplicates();
                assertThat(changesByRevision(updates)).as("every change, in revision order, none missed or repeated")
                    .containsExactlyElementsOf(writes.stream().map(Written::asSeen).toList());
                assertThat(reached.revision()).isEqualTo(lastRevision);
                assertThat(reached.values()).as("the cache against a read at the same revision")
                    .isEqualTo(readAt(writer.getKVClient(), prefix, reached.revision()));
                assertThat(updates).as("re-loads").noneMatch(Update::resynced);
            } finally {
                Await.result(writer.getKVClient().delete(bytes(prefix), DeleteOption.builder().isPrefix(true).build()), BOUND, "clean-up");
            }
        }
    }

    /**
     * The cache's only member killed (its watch fails) or frozen (its watch stays open and silent: only the
     * cache's check can tell) while the others take writes, then brought back.
     */
    @ParameterizedTest(name = "its member {0}")
    @ValueSource(strings = {"killed", "frozen"})
    @Tag("fault")
    void theCacheHoldsEveryChangeOnceAcrossTheLossOfItsMember(String loss) throws Exception {
        String prefix = "test/config-" + loss + "/";
        List<Update> updates = new CopyOnWriteArrayList<>();
        try (OnAFollower follower = OnAFollower.watching(prefix, updates)) {
            ConfigCache cache = follower.cache();
            KV kv = follower.writer().getKVClient();
            List<Written> writes = new ArrayList<>(writeRound(kv, prefix, 0));
            cache.awaitCurrent(last(writes), BOUND);
            int resumed = cache.resumes();

            if (loss.equals("killed")) {
                CLUSTER.kill(follower.member());
            } else {
                CLUSTER.freeze(follower.member());
            }
            writes.addAll(writeRound(kv, prefix, 1));
            Poll.until(BOUND, "the watch opened again", () -> Optional.of(cache.resumes()).filter(n -> n > resumed));
            CLUSTER.recover();
            writes.addAll(writeRound(kv, prefix, 2));

            ConfigCache.Snapshot reached = cache.awaitCurrent(last(writes), BOUND);
            assertThat(updates).as("re-loads (nothing was compacted)").noneMatch(Update::resynced);
            assertThat(changesByRevision(updates)).as("every change once, in order, across the loss")
                .containsExactlyElementsOf(writes.stream().map(Written::asSeen).toList());
            assertThat(reached.values()).as("the cache against a linearizable read")
                .isEqualTo(readAt(kv, prefix, 0)).isEqualTo(readAt(kv, prefix, reached.revision()));
        }
    }

    @Test
    void afterACompactionPastItsRevisionTheCacheResyncsAndEqualsEtcd() throws Exception {
        String prefix = "test/config-compacted/";
        List<Update> updates = new CopyOnWriteArrayList<>();
        try (OnAFollower follower = OnAFollower.watching(prefix, updates)) {
            ConfigCache cache = follower.cache();
            KV kv = follower.writer().getKVClient();
            List<Written> writes = writeRound(kv, prefix, 0);
            ConfigCache.Snapshot before = cache.awaitCurrent(last(writes), BOUND);

            CLUSTER.kill(follower.member());
            writeRound(kv, prefix, 1);
            // So the two maps differ by a changed, a deleted and a new key.
            Await.result(kv.delete(bytes(prefix + "k0")), REQUEST, "DELETE");
            long compactedAt = Await.result(kv.put(bytes(prefix + "new"), bytes("n")), REQUEST, "PUT").getHeader().getRevision();
            // Compaction is cluster-wide: this cluster is the test's own.
            Await.result(kv.compact(compactedAt), REQUEST, "COMPACT");
            CLUSTER.recover();

            ConfigCache.Snapshot reached = cache.awaitCurrent(compactedAt, BOUND);
            Map<String, String> stored = readAt(kv, prefix, reached.revision());
            assertThat(updates).as("re-loads after the compaction").filteredOn(Update::resynced).hasSize(1);
            assertThat(reached.values()).as("the cache against a read at its revision").isEqualTo(stored)
                .isEqualTo(readAt(kv, prefix, 0));
            Update resync = updates.stream().filter(Update::resynced).findFirst().orElseThrow();
            assertThat(resync.revision()).isEqualTo(reached.revision());
            assertThat(applied(before.values(), resync.changes())).as("the listener is told the difference between the two maps")
                .isEqualTo(stored);
            assertThat(resync.changes()).as("only what differs: updated, deleted and created keys")
                .allSatisfy(c -> assertThat(c.newValue()).isNotEqualTo(before.values().get(c.key())))
                .anySatisfy(c -> assertThat(c.newValue()).isNull())
                .anySatisfy(c -> assertThat(c.oldValue()).isNull());

            String after = prefix + "after-resync";
            long put = Await.result(kv.put(bytes(after), bytes("x")), REQUEST, "PUT").getHeader().getRevision();
            assertThat(cache.awaitCurrent(put, BOUND).values()).as("the watch after the resync").containsEntry(after, "x");
        }
    }

    /** A write the test made: its revision, key and value (null for a delete). */
    private record Written(long revision, String key, String value) {
        Seen asSeen() {
            return new Seen(revision, key, value);
        }
    }

    /** A change as the cache's listener reported it. */
    private record Seen(long revision, String key, String value) {
    }

    private static List<Seen> changesByRevision(List<Update> updates) {
        List<Seen> seen = new ArrayList<>();
        for (Update update : updates) {
            for (Change change : update.changes()) {
                seen.add(new Seen(update.revision(), change.key(), change.newValue()));
            }
        }
        return seen;
    }

    /**
     * {@code chains} writers at once, each making {@code perChain} changes one after the other to its
     * own four keys: mostly puts, every tenth a delete of a key it put before (so each write is one revision).
     */
    private static List<Written> burst(KV kv, String prefix, int chains, int perChain) {
        List<Written> writes = new CopyOnWriteArrayList<>();
        List<CompletableFuture<Void>> ends = IntStream.range(0, chains).mapToObj(chain -> {
            CompletableFuture<Void> step = CompletableFuture.completedFuture(null);
            for (int i = 0; i < perChain; i++) {
                String key = prefix + chain + "/k" + (i % 4);
                boolean delete = i % 10 == 9;
                String value = "v" + i;
                step = step.thenCompose(ignored -> delete
                    ? kv.delete(bytes(key)).thenAccept(r -> writes.add(new Written(r.getHeader().getRevision(), key, null)))
                    : kv.put(bytes(key), bytes(value)).thenAccept(r -> writes.add(new Written(r.getHeader().getRevision(), key, value))));
            }
            return step;
        }).toList();
        Await.result(CompletableFuture.allOf(ends.toArray(CompletableFuture[]::new)), BOUND, "the burst");
        return writes.stream().sorted(Comparator.comparingLong(Written::revision)).toList();
    }

    /** Ten changes to five keys under {@code prefix}, one at a time: a put per key, then updates and a delete. */
    private static List<Written> writeRound(KV kv, String prefix, int round) {
        List<Written> writes = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String key = prefix + "k" + (i % 5);
            if (i == 7) {
                long revision = Await.result(kv.delete(bytes(key)), REQUEST, "DELETE").getHeader().getRevision();
                writes.add(new Written(revision, key, null));
            } else {
                String value = "r" + round + "-" + i;
                long revision = Await.result(kv.put(bytes(key), bytes(value)), REQUEST, "PUT").getHeader().getRevision();
                writes.add(new Written(revision, key, value));
            }
        }
        return writes;
    }

    /** A cache whose client knows one follower only (killing or freezing it needs no election), and a writer on the others. */
    private record OnAFollower(int member, Client reader, Client writer, ConfigCache cache) implements AutoCloseable {
        static OnAFollower watching(String prefix, List<Update> updates) throws Exception {
            int member = (CLUSTER.members().awaitLeader(BOUND) + 1) % 3;
            Client reader = new ClientFactory(REQUEST).create(CLUSTER.members().endpoint(member));
            Client writer = new ClientFactory(REQUEST).create(othersThan(member));
            try {
                return new OnAFollower(member, reader, writer,
                    Await.result(ConfigCache.start(reader, bytes(prefix), REQUEST, updates::add), BOUND, "LOAD " + prefix));
            } catch (RuntimeException e) {
                writer.close();
                reader.close();
                throw e;
            }
        }

        @Override
        public void close() {
            cache.close();
            writer.close();
            reader.close();
        }
    }

    private static long last(List<Written> writes) {
        return writes.get(writes.size() - 1).revision();
    }

    /** Every key under {@code prefix} as etcd stored it at {@code revision} (0: now, linearizable). */
    private static Map<String, String> readAt(KV kv, String prefix, long revision) {
        GetOption option = GetOption.builder().isPrefix(true).withRevision(revision).build();
        Map<String, String> values = new TreeMap<>();
        for (KeyValue kv2 : Await.result(kv.get(bytes(prefix), option), BOUND, "GET " + prefix).getKvs()) {
            values.put(text(kv2.getKey()), text(kv2.getValue()));
        }
        return values;
    }

    private static Map<String, String> applied(Map<String, String> before, List<Change> changes) {
        Map<String, String> after = new TreeMap<>(before);
        for (Change change : changes) {
            if (change.newValue() == null) {
                after.remove(change.key());
            } else {
                after.put(change.key(), change.newValue());
            }
        }
        return after;
    }

    private static Endpoints othersThan(int member) {
        return new Endpoints(IntStream.range(0, CLUSTER.members().size()).filter(i -> i != member)
            .mapToObj(i -> CLUSTER.members().endpoint(i).uris().get(0)).toList());
    }
}
