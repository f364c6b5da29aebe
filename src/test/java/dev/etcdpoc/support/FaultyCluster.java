package dev.etcdpoc.support;

import dev.etcdpoc.connect.ClientFactory;
import dev.etcdpoc.local.LocalEtcd;
import io.etcd.jetcd.Client;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A throwaway 3-member cluster, busy with other clients' traffic ({@link ForeignTraffic}) all along,
 * whose members a test may kill (SIGKILL), freeze (SIGSTOP: connections
 * stay open, nothing answers, as in a long GC pause or on a stuck disk) or cut off from their peers
 * (a partition, through the cluster's proxies). After each test every member is running and
 * connected again, and the cluster healthy; the cluster is stopped by PID at the end.
 * {@code @RegisterExtension static final FaultyCluster CLUSTER = FaultyCluster.perClass();} shares one
 * cluster among a class's tests; {@code FaultyCluster.perTest()} (a non-static field) starts one per test.
 */
public final class FaultyCluster implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
    private static final Duration BOUND = Duration.ofSeconds(30);

    /** A fault {@link #inject} knows. */
    public enum Fault {
        LEADER_KILLED, LEADER_FROZEN, LEADER_CUT_OFF, FOLLOWER_KILLED, FOLLOWER_FROZEN, FOLLOWER_CUT_OFF;

        boolean hitsLeader() {
            return name().startsWith("LEADER");
        }

        @Override
        public String toString() {
            return name().toLowerCase().replace('_', ' ');
        }
    }

    private final boolean perTest;
    private final Set<Integer> frozen = new LinkedHashSet<>();
    private final Set<Integer> killed = new LinkedHashSet<>();
    private LocalEtcd cluster;
    private ForeignTraffic traffic;

    private FaultyCluster(boolean perTest) {
        this.perTest = perTest;
    }

    public static FaultyCluster perClass() {
        return new FaultyCluster(false);
    }

    public static FaultyCluster perTest() {
        return new FaultyCluster(true);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (!perTest) {
            start();
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (perTest) {
            start();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (cluster == null) {
            return;   // it did not start: the test failed with why
        }
        if (perTest) {
            stop();
        } else {
            recover();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (cluster != null) {
            stop();
        }
    }

    private void start() {
        cluster = LocalEtcd.start(3, LocalEtcd.Setup.PLAIN.partitionable());
        traffic = ForeignTraffic.start(cluster.endpoints());
    }

    private void stop() {
        try {
            // A quorum first: the other clients end by revoking their lease, which a test that left the
            // cluster without one (the leader killed, a follower frozen) would fail, or just elected.
            recover();
            if (traffic != null) {   // null when the cluster started but the other clients did not
                traffic.close();
            }
        } finally {
            cluster.close();
            cluster = null;
        }
    }

    public LocalEtcd members() {
        return cluster;
    }

    /** A client with the demo's set-up (its retry policy included) on every member, each try bounded by {@code deadline}. */
    public Client client(Duration deadline) {
        return new ClientFactory(deadline).create(cluster.endpoints());
    }

    /** Injects {@code fault} now; returns the member it hit. */
    public int inject(Fault fault) {
        int leader = cluster.awaitLeader(BOUND);
        int member = fault.hitsLeader() ? leader : (leader + 1) % cluster.size();
        switch (fault) {
            case LEADER_KILLED, FOLLOWER_KILLED -> kill(member);
            case LEADER_FROZEN, FOLLOWER_FROZEN -> freeze(member);
            case LEADER_CUT_OFF, FOLLOWER_CUT_OFF -> cluster.partitions().cutOff(member);
        }
        return member;
    }

    /** Freezes member {@code index} (SIGSTOP). */
    public void freeze(int index) {
        cluster.freeze(index);
        frozen.add(index);
    }

    /** SIGKILLs member {@code index}; {@link #recover} starts it again. */
    public void kill(int index) {
        cluster.kill(index);
        killed.add(index);
    }

    /**
     * Every member running and connected, the cluster healthy with a leader. A frozen member is
     * restarted (SIGKILL, then started on its data), not thawed: thawed, it would still serve the
     * requests that waited in its socket buffers — attempts the client gave up on and sent elsewhere —
     * after the test ended, and a thawed leader may revoke leases the others kept alive (see
     * docs/retries.md, "what no client can rule out").
     */
    public void recover() {
        frozen.forEach(this::kill);
        frozen.clear();
        cluster.partitions().heal();
        killed.forEach(cluster::restart);
        killed.clear();
        cluster.awaitHealthy(BOUND);
        cluster.awaitLeader(BOUND);
    }
}
