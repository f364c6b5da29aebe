package dev.etcdpoc.versus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdpoc.core.Poll;
import dev.etcdpoc.local.LocalRedis;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The Redis side on a real Redis (a primary, two replicas, three Sentinels from .redis/), without faults:
 * the harness starts whole; the recording client records each call with Redis's answer; the lock recipe
 * takes a free lock only and releases only its own; a real history is clean, and the same history with one
 * acknowledged write removed from its final state is caught; and nothing is left afterwards. The faults
 * are in the fault suite ({@code LocalRedisFaultTest}, {@code VersusSectionFaultTest}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RedisRecordingTest {
    private LocalRedis local;
    private RedisContender redis;
    private RedisCalls calls;

    @BeforeAll
    void start() {
        local = LocalRedis.start(LocalRedis.Setup.AS_CONFIGURED);
        redis = new RedisContender(local, false, 8);
        calls = new RedisCalls(local, 2, false);
    }

    @Test
    void itStartsWholeWithTheFirstServerPrimaryAndBothReplicasLinked() {
        assertThat(local.primary()).as("the primary the Sentinels name").hasValue(0);
        assertThat(local.replication(0)).containsEntry("role", "master").containsEntry("connected_slaves", "2");
        for (int replica : new int[] {1, 2}) {
            assertThat(local.replication(replica)).as("r%d", replica).containsEntry("role", "slave").containsEntry("master_link_status", "up");
        }
        assertThat(local.sentinelSettings()).containsEntry("quorum", "2").containsEntry("down-after-milliseconds", "1000")
            .containsEntry("num-other-sentinels", "2");
        assertThat(redis.settings()).anyMatch(line -> line.startsWith("servers: min-replicas-to-write 0 "));
    }

    @Test
    void eachCallIsRecordedWithRedissAnswer() {
        CallLog log = new CallLog();
        RedisRegisters first = new RedisRegisters(0, calls, log);
        RedisRegisters second = new RedisRegisters(1, calls, log);
        String key = VersusRun.PREFIX + "recorded";

        first.set(key);
        second.get(key);
        second.compareAndSet(key);
        first.compareAndSet(key);
        first.get(key);
        first.delete(key);
        first.delete(key);
        second.get(key);

        List<RegisterCall> recorded = log.calls();
        assertThat(recorded).extracting(RegisterCall::client).containsExactly(0, 1, 1, 0, 0, 0, 0, 1);
        assertThat(recorded).extracting(RegisterCall::command).containsExactly(
            new RegisterCall.Set(key, "c0.1"), new RegisterCall.Get(key), new RegisterCall.CompareAndSet(key, "c0.1", "c1.1"),
            new RegisterCall.CompareAndSet(key, "c0.1", "c0.2"), new RegisterCall.Get(key), new RegisterCall.Delete(key),
            new RegisterCall.Delete(key), new RegisterCall.Get(key));
        assertThat(recorded).as("the answers: the second compare-and-set expected a value already replaced").extracting(RegisterCall::reply)
            .containsExactly(RegisterCall.OK, new RegisterCall.Value("c0.1"), new RegisterCall.Compared(true), new RegisterCall.Compared(false),
                new RegisterCall.Value("c1.1"), new RegisterCall.Removed(1), new RegisterCall.Removed(0), new RegisterCall.Value(null));
        assertThat(recorded).allMatch(c -> c.invoked() <= c.completed() && c.completed() != Long.MAX_VALUE);
    }

    @Test
    void theLockIsTakenOnlyWhenFreeAndReleasedOnlyByItsHolder() {
        LockLog log = new LockLog();
        RedisLockWorker worker = new RedisLockWorker(0, calls, log);

        worker.holdOnce();
        assertThat(log.holds()).singleElement().matches(h -> h.worker() == 0 && h.end() == LockLog.End.RELEASED && h.acquired() < h.until());
        assertThat(log.writes()).extracting(LockLog.Write::value, LockLog.Write::outcome).containsExactly(
            org.assertj.core.groups.Tuple.tuple("w0.1/1", LockLog.Outcome.ACCEPTED), org.assertj.core.groups.Tuple.tuple("w0.1/2", LockLog.Outcome.ACCEPTED),
            org.assertj.core.groups.Tuple.tuple("w0.1/3", LockLog.Outcome.ACCEPTED));
        assertThat(calls.read(j -> j.get(RedisLockWorker.RECORD)).value()).isEqualTo("w0.1/3");
        assertThat(calls.read(j -> j.exists(RedisLockWorker.LOCK)).value()).as("released").isFalse();

        calls.write(j -> j.set(RedisLockWorker.LOCK, "someone else"), ok -> true);
        worker.holdOnce();
        assertThat(log.holds()).as("no hold while another holds the lock").hasSize(1);
        assertThat(calls.read(j -> j.get(RedisLockWorker.LOCK)).value()).as("its release left the other's lock alone").isEqualTo("someone else");

        calls.write(j -> j.del(RedisLockWorker.LOCK), removed -> true);
        worker.holdOnce();
        assertThat(log.holds()).as("taken once free").hasSize(2);
    }

    @Test
    void aRealHistoryIsCleanAndOneAcknowledgedWriteRemovedFromItsFinalStateIsCaught() throws InterruptedException {
        List<RegisterClient> clients = List.of(redis.client(10), redis.client(11), redis.client(12));
        try (Workload workload = Workload.start(clients, List.of())) {
            Poll.until(Duration.ofSeconds(30), "300 recorded calls", () -> redis.calls().size() >= 300 ? Optional.of(true) : Optional.empty());
            workload.stop(Duration.ofSeconds(10));
        }
        Set<String> keys = new HashSet<>();
        redis.calls().forEach(c -> keys.add(c.key()));
        redis.readFinalState(keys);
        List<RegisterCall> history = redis.calls();
        Map<String, RegisterCall> finalReads = redis.finalReads();

        RegisterAnomalies real = RegisterAnomalies.of(history, finalReads);
        assertThat(real.lost()).as("lost writes without a fault").isEmpty();
        assertThat(real.stale()).as("stale reads without a fault").isEmpty();

        RegisterCall planted = history.stream()
            .filter(c -> c.key().startsWith(Workload.ONCE) && c.reply().equals(RegisterCall.OK)).findFirst().orElseThrow();
        RegisterCall emptied = new RegisterCall(VersusRun.FINAL_READER, finalReads.get(planted.key()).invoked(),
            finalReads.get(planted.key()).completed(), new RegisterCall.Get(planted.key()), new RegisterCall.Value(null));
        Map<String, RegisterCall> plantedFinal = new HashMap<>(finalReads);
        plantedFinal.put(planted.key(), emptied);
        List<RegisterCall> plantedHistory = history.stream().map(c -> c == finalReads.get(planted.key()) ? emptied : c).toList();

        RegisterAnomalies caught = RegisterAnomalies.of(plantedHistory, plantedFinal);
        assertThat(caught.lost()).as("the write removed from the final state").containsExactly(planted);
        assertThat(caught.stale()).isEmpty();
    }

    @AfterAll
    void nothingIsLeftAfterwards() throws IOException {
        List<Long> pids = local.pids();
        List<Integer> ports = local.ports();
        Path dir = local.dir();
        assertThat(pids).as("servers and Sentinels running").hasSize(6);
        calls.close();
        redis.close();

        assertThat(pids).as("processes left").noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        for (int port : ports) {
            try (ServerSocket free = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                assertThat(free.getLocalPort()).as("port %d free again", port).isEqualTo(port);
            }
        }
        assertThat(Files.exists(dir)).as("%s left", dir).isFalse();
    }
}
