package dev.etcdpoc.checkrun;

import static dev.etcdpoc.core.Bytes.bytes;

import dev.etcdpoc.check.Model;
import dev.etcdpoc.check.Operation;
import dev.etcdpoc.check.RecordedHistory;
import dev.etcdpoc.check.RecordedWatch;
import dev.etcdpoc.check.Verdict;
import dev.etcdpoc.check.WatchEvent;
import dev.etcdpoc.connect.ClientFactory;
import dev.etcdpoc.core.Await;
import dev.etcdpoc.core.DemoFailure;
import dev.etcdpoc.core.Poll;
import dev.etcdpoc.local.LocalEtcd;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.GetOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * One run of the check: a throwaway cluster of its own, clients that record every call while faults
 * are injected on a schedule, watches that record what they deliver; then the recording, for the
 * checker. Faults touch only this cluster, and the cluster goes (processes killed, data deleted) when
 * the run ends, also on Ctrl-C or a kill ({@link LocalEtcd}).
 *
 * <p>The schedule: the run's time is cut into one slot per fault; each fault is injected a quarter into
 * its slot and ended at three quarters, then the cluster is waited on until every member is healthy
 * again. Watches: one from the start, one opened after the first fault from then on, one after the
 * third from the start again (a replay that catches up).
 */
public final class CheckRun {
    /** Every key the check writes is under it, on its own cluster. */
    public static final String PREFIX = "check/";
    static final int CLIENTS = 12;
    /**
     * Each request's deadline: a request to a frozen member is given up after it and tried at another
     * (the failover section's reason, too); a request takes at most two of them.
     */
    static final Duration REQUEST_DEADLINE = Duration.ofSeconds(1);
    /** Bounds a start, an election, a restart's catch-up: none should come near it. */
    private static final Duration BOUND = Duration.ofSeconds(30);
    /** Per key, how long the checker may search before it calls the key undecided (versus's checks too). */
    public static final Duration SEARCH_LIMIT = Duration.ofSeconds(30);

    /**
     * What a run recorded, for the checker, and what happened, for the reader.
     *
     * @param faults    each fault injected: from its injection to its end, with what it was
     * @param marks     instants worth marking on a timeline: the control's stale read
     * @param resumes   how many times a watch was opened again after a failure
     * @param staleRead the control's certain stale read; empty when gets were linearizable
     */
    public record Recording(CheckPlan plan, List<Operation> history, List<RecordedWatch> watches,
                            List<RecordedHistory.Band> faults, List<RecordedHistory.Mark> marks, int resumes,
                            Optional<StaleRead.Made> staleRead) {

        /** The same recording with another history: how a test plants a violation in a real one. */
        public Recording withHistory(List<Operation> other) {
            return new Recording(plan, other, watches, faults, marks, resumes, staleRead);
        }

        /** Everything recorded, as a history file holds it. */
        public RecordedHistory recorded() {
            return new RecordedHistory(history, watches, faults, marks);
        }

        /** What a timeline of it is called: "check: 3 members, 20 s, 5 faults", and the control's "serializable gets". */
        public String title() {
            return "check: " + plan.members() + " members, " + seconds(plan.duration().toNanos()) + " s, " + faults.size()
                + " faults" + (plan.serializableReads() ? ", serializable gets (the control)" : "");
        }

        /**
         * Linearizability across keys, and the watch guarantees against the writes: the recorded ones, and
         * those of unanswered writes placed where a watch delivered them ({@link WatchEvent#writtenBy(List, List)}).
         */
        public Verdict verdict() {
            try {
                return Verdict.check(recorded(), Model.ETCD, SEARCH_LIMIT);
            } catch (IllegalArgumentException twoAtOnePlace) {
                // Two acknowledged writes answered with one revision on one key: no history of etcd has that.
                throw new DemoFailure("the recorded history cannot be checked: " + twoAtOnePlace.getMessage(), twoAtOnePlace);
            }
        }
    }

    private final CheckPlan plan;
    private final ClientFactory clients;
    private final Consumer<String> progress;
    private long start;

    private CheckRun(CheckPlan plan, ClientFactory clients, Consumer<String> progress) {
        this.plan = plan;
        this.clients = clients;
        this.progress = progress;
    }

    /**
     * Runs the check's workload under faults on a cluster of its own and returns what was recorded.
     *
     * @param clients  how to build clients (deadlines, retries); the cluster is this run's, so none of the
     *                 user's credentials, TLS or namespace apply
     * @param progress told one line per step: the cluster, each fault, the end
     */
    public static Recording record(CheckPlan plan, ClientFactory clients, Consumer<String> progress) throws InterruptedException {
        // One attempt per request: the history holds what etcd answered, not what a retry layer made of it,
        // and no write is sent twice (a second copy may be applied too, by a member that thaws).
        return new CheckRun(plan, clients.forOwnCluster().withTimeout(REQUEST_DEADLINE).withOneAttemptPerRequest(), progress)
            .record();
    }

    private Recording record() throws InterruptedException {
        try (LocalEtcd cluster = LocalEtcd.start(plan.members(), LocalEtcd.Setup.PLAIN.partitionable());
             Client client = clients.create(cluster.endpoints())) {
            progress.accept("Cluster: " + cluster.size() + " members " + names(cluster) + ", etcd " + cluster.version()
                + ", leader " + cluster.name(cluster.awaitLeader(BOUND)));
            History history = new History();
            long from = revisionNow(client) + 1;
            StaleRead stale = plan.serializableReads() ? new StaleRead(clients, history, CLIENTS) : null;
            if (stale != null) {
                stale.prepare(client.getKVClient());
            }
            Optional<StaleRead.Made> made = Optional.empty();
            List<RecordedHistory.Band> faults = new ArrayList<>();
            start = System.nanoTime();
            try (RecordedWatches watches = new RecordedWatches(client.getWatchClient(), PREFIX);
                 Workload workload = Workload.start(CLIENTS, client.getKVClient(), history, REQUEST_DEADLINE,
                     plan.serializableReads())) {
                watches.open(from);
                progress.accept("Clients: " + CLIENTS + " on " + Workload.KEYS.size() + " keys under " + PREFIX + " for "
                    + seconds(plan.duration().toNanos()) + " s, " + (plan.serializableReads() ? "gets serializable" : "gets linearizable")
                    + ", every call recorded; a watch on " + PREFIX + " from revision " + from);
                for (int n = 0; n < plan.faults(); n++) {
                    Optional<StaleRead.Made> now = fault(n, cluster, made.isEmpty() ? stale : null, faults);
                    made = now.isPresent() ? now : made;
                    if (n == 0 || n == 2) {
                        long at = n == 0 ? revisionNow(client) + 1 : from;
                        watches.open(at);
                        progress.accept("  another watch on " + PREFIX + ", from revision " + at);
                    }
                }
                waitUntil(start + plan.duration().toNanos());
                workload.stop();
                long last = revisionNow(client);
                watches.awaitRevision(last, BOUND);
                List<Operation> recorded = history.operations();
                progress.accept("Stopped the clients at " + seconds(System.nanoTime() - start) + " s after " + recorded.size()
                    + " calls; every watch delivered up to the last revision, " + last + " (reopened " + watches.resumes()
                    + " time(s) after a failure)");
                List<RecordedHistory.Mark> marks = made.map(m -> List.of(new RecordedHistory.Mark(m.read().invoked(),
                    "the control's stale read, at " + m.member() + " cut off"))).orElse(List.of());
                return new Recording(plan, recorded, watches.recorded(), faults, marks, watches.resumes(), made);
            }
        }
    }

    /**
     * The {@code n}-th fault: injected a quarter into its slot, ended at three quarters, then waited on until
     * every member is healthy, and said in one line. With {@code stale} (the control, not yet made), a follower
     * cut off is where the certain stale read is made.
     */
    private Optional<StaleRead.Made> fault(int n, LocalEtcd cluster, StaleRead stale, List<RecordedHistory.Band> faults)
        throws InterruptedException {
        Fault fault = Fault.nth(n);
        long slot = plan.slot().toNanos();
        waitUntil(start + slot * n + slot / 4);
        int member = fault.target(cluster.awaitLeader(BOUND), cluster.size());
        long injected = System.nanoTime();
        fault.inject(cluster, member);
        Optional<StaleRead.Made> made = stale != null && fault == Fault.FOLLOWER_CUT_OFF
            ? Optional.of(stale.make(cluster, member)) : Optional.empty();
        waitUntil(injected + slot / 2);
        fault.end(cluster, member);
        long ended = System.nanoTime();
        faults.add(new RecordedHistory.Band(injected, ended, (fault.hitsLeader() ? "leader " : "follower ") + cluster.name(member)
            + " " + fault.injectedText() + "; " + fault.endedText()));
        cluster.awaitHealthy(BOUND);
        progress.accept("Fault " + (n + 1) + " at " + seconds(injected - start) + " s: "
            + (fault.hitsLeader() ? "leader " : "follower ") + cluster.name(member) + " " + fault.injectedText()
            + "; " + fault.endedText() + " at " + seconds(ended - start) + " s, every member healthy at "
            + seconds(System.nanoTime() - start) + " s");
        made.ifPresent(m -> progress.accept("  meanwhile, at " + m.member() + ": " + m.read().request().text() + " -> "
            + m.read().response().text() + ", after " + m.write().request().text() + " -> " + m.write().response().text()
            + " through the others"));
        return made;
    }

    /** The cluster's revision now, from a linearizable read; tried again while the cluster recovers. */
    private static long revisionNow(Client client) {
        GetOption countOnly = GetOption.builder().isPrefix(true).withCountOnly(true).build();
        return Poll.until(BOUND, "a read of " + PREFIX + " succeeding", () -> {
            try {
                return Optional.of(Await.result(client.getKVClient().get(bytes(PREFIX), countOnly), REQUEST_DEADLINE,
                    "GET " + PREFIX).getHeader().getRevision());
            } catch (DemoFailure notYet) {
                return Optional.empty();
            }
        });
    }

    /** The schedule is in time: faults are injected and ended at set points of the run, whatever the clients do. */
    private static void waitUntil(long nanoTime) throws InterruptedException {
        long left = nanoTime - System.nanoTime();
        if (left > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.1f", nanos / 1e9);
    }

    private static String names(LocalEtcd cluster) {
        return IntStream.range(0, cluster.size()).mapToObj(cluster::name).collect(Collectors.joining(", ", "(", ")"));
    }
}
