package dev.etcdpoc.failover;

import static dev.etcdpoc.core.Bytes.bytes;
import static dev.etcdpoc.core.Bytes.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.etcdpoc.connect.ClientFactory;
import dev.etcdpoc.core.Await;
import dev.etcdpoc.core.DemoFailure;
import dev.etcdpoc.core.Failures;
import dev.etcdpoc.core.Poll;
import dev.etcdpoc.failover.AckedWriter;
import dev.etcdpoc.failover.ResumingWatch;
import dev.etcdpoc.failover.WatchAudit;
import dev.etcdpoc.local.LocalEtcd;
import dev.etcdpoc.support.PocOutput;
import dev.etcdpoc.support.PocRun;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.LeaseOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.support.CloseableClient;
import io.etcd.jetcd.watch.WatchEvent;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a 3-member cluster promises when members die, checked against real etcd processes that are
 * SIGKILLed and restarted. Run alone with {@code mvn verify -Dgroups=fault}.
 */
@Tag("fault")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FaultToleranceTest {
    private static final Duration REQUEST = Duration.ofSeconds(2);
    private static final Duration BOUND = Duration.ofSeconds(30);
    private static final String KEYS = "fault/keys/";

    private LocalEtcd cluster;
    private Client client;

    @BeforeEach
    void startCluster() {
        cluster = LocalEtcd.start(3);
        client = new ClientFactory(REQUEST).create(cluster.endpoints());
    }

    @AfterEach
    void stopCluster() {
        client.close();
        List<Long> pids = List.of(cluster.pid(0), cluster.pid(1), cluster.pid(2));
        cluster.close();
        assertThat(pids).as("member processes after close").allSatisfy(
            pid -> assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true)));
    }

    @Test
    void killingTheLeaderDuringWritesLosesNoAcknowledgedWrite() throws Exception {
        KV kv = client.getKVClient();
        List<AckedWriter.Ack> acks;
        int killed;
        try (AckedWriter writer = AckedWriter.start(kv, KEYS, REQUEST)) {
            writer.awaitAcks(30, BOUND);
            killed = cluster.awaitLeader(BOUND);
            cluster.kill(killed);
            writer.awaitAcks(writer.ackCount() + 30, BOUND);
            acks = writer.stop();
        }

        assertThat(cluster.awaitLeader(BOUND)).as("new leader").isNotEqualTo(killed);
        assertThat(storedNumbers(kv)).as("every acknowledged write, read linearizably")
            .containsAll(acks.stream().map(AckedWriter.Ack::number).toList());
        AckedWriter.Ack last = acks.get(acks.size() - 1);
        assertThat(read(kv, last.key())).as("the last acknowledged value").isEqualTo(String.valueOf(last.number()));
    }

    @Test
    void aWatchAcrossMemberDeathsSeesEveryWriteOnceInOrder() throws Exception {
        KV kv = client.getKVClient();
        long from = kv.get(bytes(KEYS)).get(10, TimeUnit.SECONDS).getHeader().getRevision() + 1;
        List<AckedWriter.Ack> acks;
        try (ResumingWatch watch = ResumingWatch.prefix(client.getWatchClient(), bytes(KEYS), from);
             AckedWriter writer = AckedWriter.start(kv, KEYS, REQUEST)) {
            writer.awaitAcks(20, BOUND);
            for (int round = 0; round < 2; round++) {
                int leader = cluster.awaitLeader(BOUND);
                cluster.kill(leader);
                writer.awaitAcks(writer.ackCount() + 20, BOUND);
                cluster.restart(leader);
                cluster.awaitHealthy(BOUND);
            }
            acks = writer.stop();
            watch.awaitRevision(acks.get(acks.size() - 1).revision(), BOUND);

            WatchAudit audit = WatchAudit.of(acks, watch.seen());
            assertThat(audit.events()).as("events seen").isEqualTo(acks.size());
            assertThat(audit.gaps()).as("acknowledged writes the watch missed").isZero();
            assertThat(audit.duplicates()).as("events seen twice").isZero();
            assertThat(audit.outOfOrder()).as("events out of revision order").isZero();
        }
    }

    @Test
    void withoutQuorumWritesAndReadsFailWithinTheDeadlineAndDataSurvives() throws Exception {
        KV kv = client.getKVClient();
        List<AckedWriter.Ack> acks;
        try (AckedWriter writer = AckedWriter.start(kv, KEYS, REQUEST)) {
            writer.awaitAcks(25, BOUND);
            acks = writer.stop();
        }
        int leader = cluster.awaitLeader(BOUND);
        cluster.kill(leader);
        cluster.kill((leader + 1) % 3);

        long start = System.nanoTime();
        // Our deadline, or etcd's own "request timed out" when it gives up first (3.4 may): no answer either way.
        assertThatThrownBy(() -> Await.result(kv.put(bytes("fault/probe"), bytes("x")), REQUEST, "PUT fault/probe"))
            .as("a write with 1 of 3 members").isInstanceOf(DemoFailure.class).matches(Failures::isNoAnswer, "no answer in time");
        assertThatThrownBy(() -> Await.result(kv.get(bytes(KEYS)), REQUEST, "GET " + KEYS))
            .as("a linearizable read with 1 of 3 members").isInstanceOf(DemoFailure.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("both refused, bounded").isLessThan(BOUND);

        cluster.restart(leader);
        cluster.restart((leader + 1) % 3);
        cluster.awaitHealthy(BOUND);
        assertThat(storedNumbers(kv)).as("acknowledged data after the restart")
            .containsExactlyElementsOf(acks.stream().map(AckedWriter.Ack::number).toList());
    }

    @Test
    void aRestartedFollowerCatchesUpAndServesTheLatestValueAlone() throws Exception {
        KV kv = client.getKVClient();
        int follower = (cluster.awaitLeader(BOUND) + 1) % 3;
        cluster.kill(follower);
        List<AckedWriter.Ack> acks;
        try (AckedWriter writer = AckedWriter.start(kv, KEYS, REQUEST)) {
            writer.awaitAcks(40, BOUND);
            acks = writer.stop();
        }
        AckedWriter.Ack last = acks.get(acks.size() - 1);

        cluster.restart(follower);
        cluster.awaitHealthy(BOUND);
        try (Client alone = new ClientFactory(REQUEST).create(cluster.endpoint(follower))) {
            // A serializable read is answered from that member's own store: it shows what the member has applied.
            GetOption local = GetOption.builder().withSerializable(true).build();
            String value = Poll.until(BOUND, "the restarted member serving the last write", () -> {
                var kvs = Await.result(alone.getKVClient().get(bytes(last.key()), local), REQUEST, "GET").getKvs();
                return kvs.isEmpty() ? Optional.empty() : Optional.of(text(kvs.get(0).getValue()));
            });
            assertThat(value).isEqualTo(String.valueOf(last.number()));
            assertThat(read(alone.getKVClient(), last.key())).as("linearizable read through that member")
                .isEqualTo(String.valueOf(last.number()));
        }
    }

    @Test
    void thePocRunsUnchangedWithOneMemberDown() {
        cluster.kill(cluster.awaitLeader(BOUND));
        // "Down before the run": the others have elected a leader. (A write in flight to a leader at
        // the moment it dies waits for etcd's request timeout; the failover section shows the retry.)
        cluster.awaitLeader(BOUND);
        cluster.awaitHealthy(BOUND);

        PocRun run = PocRun.of("--endpoints", cluster.endpoints().toString());

        assertThat(run.out()).as("stdout; stderr: %s", run.err()).isEqualTo(PocOutput.FULL);
        assertThat(run.exitCode()).isZero();
    }

    @Test
    void withTwoMembersDownThePocFailsInBoundedTimeWithOneLine() {
        int leader = cluster.awaitLeader(BOUND);
        cluster.kill(leader);
        cluster.kill((leader + 1) % 3);

        PocRun run = PocRun.of("--endpoints", cluster.endpoints().toString(), "--timeout", "2s");

        // Every request asks for a leader (etcd's hasleader header): the surviving member refuses at once, or, asked for its
        // status while it still holds the request, says it has none.
        dev.etcdpoc.support.Assertions.assertOneLineFailure(run, 1, Duration.ofSeconds(20), "no leader", "etcd has no quorum",
            "answers but has no leader", "2 of the 3 members given refuse connections");
    }

    @Test
    void aKeptAliveLeaseSurvivesALeaderChangeAndAnAbandonedOneExpires() throws Exception {
        // Long enough that the kept lease outlives an election on a loaded machine (keep-alives resume after it).
        long ttl = 4;
        long kept = client.getLeaseClient().grant(ttl).get(10, TimeUnit.SECONDS).getID();
        AtomicLong lastKeepAlive = new AtomicLong();
        try (CloseableClient keeper = client.getLeaseClient().keepAlive(kept, observer(lastKeepAlive))) {
            long abandoned;
            try (Client doomed = new ClientFactory(REQUEST).create(cluster.endpoints())) {
                abandoned = doomed.getLeaseClient().grant(ttl).get(10, TimeUnit.SECONDS).getID();
                doomed.getLeaseClient().keepAlive(abandoned, observer(new AtomicLong()));
                put(client.getKVClient(), "fault/lease/kept", kept);
                put(client.getKVClient(), "fault/lease/abandoned", abandoned);
            } // the keeper of the second lease is gone, as if its process died

            long from = client.getKVClient().get(bytes("fault/lease/")).get(10, TimeUnit.SECONDS).getHeader().getRevision() + 1;
            CountDownLatch abandonedDeleted = new CountDownLatch(1);
            try (Watch.Watcher w = client.getWatchClient().watch(bytes("fault/lease/abandoned"),
                WatchOption.builder().withRevision(from).build(), r -> r.getEvents().stream()
                    .filter(e -> e.getEventType() == WatchEvent.EventType.DELETE).forEach(e -> abandonedDeleted.countDown()))) {
                int leader = cluster.awaitLeader(BOUND);
                cluster.kill(leader);
                long killedAt = System.nanoTime();
                cluster.awaitLeader(BOUND);

                assertThat(abandonedDeleted.await(BOUND.toSeconds(), TimeUnit.SECONDS)).as("abandoned lease's key deleted").isTrue();
                // Keep-alives keep arriving well past one TTL after the leader died.
                Poll.until(BOUND, "a keep-alive answered more than 2 TTLs after the kill",
                    () -> lastKeepAlive.get() - killedAt > TimeUnit.SECONDS.toNanos(2 * ttl) ? Optional.of(true) : Optional.empty());
            }
        }
        assertThat(read(client.getKVClient(), "fault/lease/kept")).as("key on the kept-alive lease").isEqualTo("lease");
        assertThat(read(client.getKVClient(), "fault/lease/abandoned")).as("key on the abandoned lease").isEmpty();
        assertThat(client.getLeaseClient().timeToLive(kept, LeaseOption.DEFAULT).get(10, TimeUnit.SECONDS).getTTL())
            .as("kept lease's remaining TTL").isPositive();
    }

    private static StreamObserver<LeaseKeepAliveResponse> observer(AtomicLong lastAnswer) {
        return new StreamObserver<>() {
            @Override
            public void onNext(LeaseKeepAliveResponse value) {
                lastAnswer.set(System.nanoTime());
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
            }
        };
    }

    private static void put(KV kv, String key, long lease) throws Exception {
        kv.put(bytes(key), bytes("lease"), PutOption.builder().withLeaseId(lease).build()).get(10, TimeUnit.SECONDS);
    }

    private static String read(KV kv, String key) {
        var kvs = Await.result(kv.get(bytes(key)), REQUEST, "GET " + key).getKvs();
        return kvs.isEmpty() ? "" : text(kvs.get(0).getValue());
    }

    /** Every number stored, read linearizably; asked again while the client reconnects to restarted members. */
    private static List<Integer> storedNumbers(KV kv) {
        return Poll.until(BOUND, "a linearizable read of " + KEYS, () -> {
            try {
                return Optional.of(Await.result(kv.get(bytes(KEYS), GetOption.builder().isPrefix(true).build()), REQUEST,
                    "GET " + KEYS).getKvs().stream().map(e -> Integer.parseInt(text(e.getValue()))).toList());
            } catch (DemoFailure reconnecting) {
                return Optional.empty();
            }
        });
    }
}
