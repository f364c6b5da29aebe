package dev.etcdpoc.sections;

import static dev.etcdpoc.sections.Sections.Needs.ANY_ETCD;
import static dev.etcdpoc.sections.Sections.Needs.AUTH_ENABLED;
import static dev.etcdpoc.sections.Sections.Needs.OWN_CLUSTER;
import static dev.etcdpoc.sections.Sections.Needs.OWN_CLUSTER_AND_TIME;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** Every section the demo knows, in the order they run. Adding a section = one line here. */
public final class Sections {
    /** What a section needs from the etcd it is given, and whether {@code all} runs it. */
    public enum Needs {
        /** Any etcd: it runs in {@code all}. */
        ANY_ETCD(false, true),
        /** An etcd with auth enabled and root's credentials: not in {@code all}. */
        AUTH_ENABLED(false, false),
        /** Nothing: it starts (and breaks) its own throwaway cluster; it runs in {@code all}. */
        OWN_CLUSTER(true, true),
        /** Its own throwaway cluster, which it breaks for tens of seconds: not in {@code all}, named on its own. */
        OWN_CLUSTER_AND_TIME(true, false);

        private final boolean ownCluster;
        private final boolean inAll;

        Needs(boolean ownCluster, boolean inAll) {
            this.ownCluster = ownCluster;
            this.inAll = inAll;
        }

        /** True when the section brings its own cluster and needs none of the demo's etcd. */
        public boolean ownCluster() {
            return ownCluster;
        }
    }

    /** The section that takes the check options (--members, --duration, --serializable-reads). */
    public static final String CHECK = "check";
    /** etcd and Redis under the same clients and faults. */
    public static final String VERSUS = "versus";

    /** A section as the command line knows it: its name, its "--- title ---", its line in --list. */
    public record Entry(String name, String title, String summary, Needs needs, Section section) {
    }

    /** What the .NET proof of concept printed, and what runs when no section is named. */
    public static final List<String> POC = List.of("crud", "watch", "txn");

    private static final List<Entry> ALL = List.of(
        new Entry("crud", "Basic CRUD", "put, get, update and delete one key (as the .NET original did)", ANY_ETCD, new CrudSection()),
        new Entry("watch", "Watch", "watch one key while it is put twice and deleted (as the .NET original did)", ANY_ETCD, new WatchSection()),
        new Entry("txn", "Transaction (atomic multi-key write)",
            "one transaction writes two keys; a prefix watch gets both in one response (as the .NET original did)", ANY_ETCD, new TxnSection()),
        new Entry("cas", "Compare-and-swap (optimistic concurrency)",
            "two writers update one value from the same read; one wins, the other retries", ANY_ETCD, new CasSection()),
        new Entry("lease", "Leases (service discovery)",
            "service instances registered with leases; a stopped one expires, a revoked one goes at once", ANY_ETCD, new LeaseSection()),
        new Entry("lock", "Distributed lock",
            "two workers contend for one lock; the second waits; writes are fenced by the lock key", ANY_ETCD, new LockSection()),
        new Entry("election", "Leader election",
            "two candidates campaign; one leads, an observer follows; the leader resigns, the other takes over", ANY_ETCD,
            new ElectionSection()),
        new Entry("history", "MVCC history",
            "read a key at older revisions, replay its changes by watch; compact only where allowed", ANY_ETCD, new HistorySection()),
        new Entry("config", "Live configuration (a watch-fed cache)",
            "a cache of a key prefix loaded at a revision and kept current by a watch that resumes without gaps", ANY_ETCD,
            new ConfigSection()),
        new Entry("stm", "Software transactional memory (STM)",
            "transfers between accounts as transactions over several keys; a conflict re-runs one; the total stays the same",
            ANY_ETCD, new StmSection()),
        new Entry("auth", "Auth (a user who may use one prefix only)",
            "as root, make a user with read-write on demo/auth/ only; etcd refuses it elsewhere (needs --user root; not in all)",
            AUTH_ENABLED, new AuthSection()),
        new Entry("failover", "Failover (3-member cluster)",
            "kill the leader mid-stream, then two of three members: no acknowledged write is lost", OWN_CLUSTER,
            new FailoverSection()),
        new Entry(CHECK, "Consistency check (a recorded history under faults)",
            "clients record every call while members are killed, frozen and cut off; the history is checked (~25 s; not in all)",
            OWN_CLUSTER_AND_TIME, new CheckSection()),
        new Entry(VERSUS, "etcd versus Redis (the same clients, faults and checks)",
            "a 3-member etcd and Redis with Sentinels (as configured, then hardened) under the same recorded clients and faults; "
                + "one table of lost writes, stale reads, lock overlaps (~2.5 min; needs scripts/install-redis.sh; not in all)",
            OWN_CLUSTER_AND_TIME, new VersusSection()));

    private Sections() {
    }

    public static List<Entry> all() {
        return ALL;
    }

    /** What {@code all} runs: every section that works against any etcd, or brings its own and is quick. */
    public static List<Entry> forAll() {
        return ALL.stream().filter(e -> e.needs().inAll).collect(Collectors.toList());
    }

    public static Optional<Entry> named(String name) {
        return ALL.stream().filter(e -> e.name().equals(name)).findFirst();
    }

    public static List<String> names() {
        return ALL.stream().map(Entry::name).collect(Collectors.toList());
    }
}
