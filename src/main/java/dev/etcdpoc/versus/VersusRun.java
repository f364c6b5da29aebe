package dev.etcdpoc.versus;

import dev.etcdpoc.check.Model;
import dev.etcdpoc.check.Operation;
import dev.etcdpoc.checkrun.Fault;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/**
 * One system's run: register clients and lock workers at work while the same four faults hit it one at a
 * time, a majority always left; then, every fault healed and the system whole again, the final state read
 * back. What it recorded is a {@link Recording}.
 *
 * <p>The schedule, the same for every system: after a calm second, the fault; it is held {@link #HOLD} at
 * least, and a fault on the leader (primary) until the others follow a new one — longer than Sentinel takes
 * to fail over; then it ends (restart, thaw, heal) and the run waits until the system is whole again (a
 * Redis primary that was replaced rejoined as a replica of the new one).
 */
final class VersusRun {
    /** Every key the run writes is under it, on its own systems. */
    static final String PREFIX = "versus/";
    /** The faults, in this order: the leader (primary) killed, frozen, cut off from its peers; a follower (replica) frozen. */
    static final List<Fault> SCHEDULE = List.of(Fault.LEADER_KILLED, Fault.LEADER_FROZEN, Fault.LEADER_CUT_OFF, Fault.FOLLOWER_FROZEN);
    /** Each request's (command's) deadline: one attempt each, as the check. */
    static final Duration DEADLINE = Duration.ofSeconds(1);
    /** Bounds a start, an election or failover, a recovery: none should come near it. */
    static final Duration BOUND = Duration.ofSeconds(40);
    static final Duration HOLD = Duration.ofSeconds(3);
    static final Duration CALM = Duration.ofSeconds(1);
    static final int CLIENTS = 6;
    static final int WORKERS = 3;
    /** The client number the final reads are recorded under. */
    static final int FINAL_READER = 1000;

    /**
     * One fault as it happened, times in ns of {@link System#nanoTime()}; {@code newLeaderAt} 0 for a follower's.
     *
     * @param what     what was done to whom, as the run said it ("primary r0 cut off from its replicas and Sentinels")
     * @param takeover who took over, as the run said it ("r1 became primary"), or null
     */
    record FaultRecord(Fault fault, String what, long injected, long newLeaderAt, String takeover, long ended, long whole) {
    }

    /**
     * What one system's run recorded.
     *
     * @param calls      every register call, the final reads included, as both systems' anomalies are found in them
     * @param operations the same calls in the checker's types, and the model it holds them to
     */
    record Recording(String label, String title, List<String> settings, long start, long end, List<FaultRecord> faults,
                     List<RegisterCall> calls, List<Operation> operations, Model model, Map<String, RegisterCall> finalReads,
                     List<LockLog.Hold> holds, List<LockLog.Write> lockWrites) {
    }

    private final Contender system;
    private final Consumer<String> progress;
    private long start;

    private VersusRun(Contender system, Consumer<String> progress) {
        this.system = system;
        this.progress = progress;
    }

    /** Runs the workload on {@code system} under the schedule; says each step to {@code progress}; closes nothing. */
    static Recording record(Contender system, Consumer<String> progress) throws InterruptedException {
        return new VersusRun(system, progress).record();
    }

    private Recording record() throws InterruptedException {
        List<String> settings = system.settings();
        progress.accept(system.title());
        settings.forEach(line -> progress.accept("  " + line));
        LockLog locks = new LockLog();
        List<RegisterClient> clients = IntStream.range(0, CLIENTS).mapToObj(system::client).toList();
        List<LockWorker> workers = IntStream.range(0, WORKERS).mapToObj(id -> system.worker(id, locks)).toList();
        List<FaultRecord> faults = new ArrayList<>();
        start = System.nanoTime();
        try (Workload workload = Workload.start(clients, workers)) {
            progress.accept("  " + CLIENTS + " clients on " + Workload.KEYS.size() + " keys and keys written once, " + WORKERS
                + " lock workers; every call recorded");
            for (Fault fault : SCHEDULE) {
                TimeUnit.NANOSECONDS.sleep(CALM.toNanos());
                faults.add(inject(fault));
            }
            TimeUnit.NANOSECONDS.sleep(CALM.toNanos());
            workload.stop(BOUND);
        }
        long end = System.nanoTime();
        Set<String> keys = new HashSet<>(Workload.KEYS);
        system.calls().forEach(call -> keys.add(call.key()));
        system.readFinalState(keys);
        List<RegisterCall> calls = system.calls();
        progress.accept("  stopped the clients at " + seconds(end - start) + " s after " + (calls.size() - keys.size())
            + " calls and " + locks.holds().size() + " lock holds; read the final state of " + keys.size() + " keys");
        return new Recording(system.label(), system.title(), settings, start, end, faults, calls, system.operations(), system.model(),
            system.finalReads(), locks.holds(), locks.writes());
    }

    /** One fault: injected, held, ended, the system whole again; said in one line. */
    private FaultRecord inject(Fault fault) throws InterruptedException {
        int leader = system.leader();
        int member = fault.target(leader, system.size());
        long injected = System.nanoTime();
        fault.inject(system.cluster(), member);
        long newLeaderAt = 0;
        String newLeader = null;
        if (fault.hitsLeader()) {
            newLeader = system.name(system.awaitNewLeader(member));
            newLeaderAt = System.nanoTime();
        }
        long left = injected + HOLD.toNanos() - System.nanoTime();
        TimeUnit.NANOSECONDS.sleep(Math.max(0, left));
        fault.end(system.cluster(), member);
        long ended = System.nanoTime();
        system.awaitWhole();
        long whole = System.nanoTime();
        String what = (fault.hitsLeader() ? system.leaderWord() : system.followerWord()) + " " + system.name(member) + " "
            + fault.injectedText();
        String takeover = newLeader == null ? null : newLeader + " became " + system.leaderWord();
        progress.accept("  fault at " + seconds(injected - start) + " s: " + what
            + (takeover == null ? "" : "; " + takeover + " " + seconds(newLeaderAt - injected) + " s later")
            + "; " + fault.endedText() + " at " + seconds(ended - start) + " s; whole again at " + seconds(whole - start) + " s");
        return new FaultRecord(fault, what + "; " + fault.endedText(), injected, newLeaderAt, takeover, ended, whole);
    }

    static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.1f", nanos / 1e9);
    }
}
