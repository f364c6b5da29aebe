package dev.etcdpoc.support;

import static dev.etcdpoc.core.Bytes.bytes;

import dev.etcdpoc.local.LocalEtcd;
import io.etcd.jetcd.Client;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * An operator moving etcd's leader again and again, as {@code etcdctl move-leader} does: every 0.5 to 1.5 s
 * (seeded) the leader hands its leadership to another member, until closed. Each move is an election: etcd gives
 * every lease its whole TTL again.
 */
public final class LeaderChurn implements AutoCloseable {
    private static final Duration REQUEST = Duration.ofSeconds(5);
    private final LocalEtcd cluster;
    private final List<Client> members;
    private final AtomicInteger moves = new AtomicInteger();
    private Background work;

    private LeaderChurn(LocalEtcd cluster) {
        this.cluster = cluster;
        this.members = IntStream.range(0, cluster.size()).mapToObj(i -> Client.builder().endpoints(cluster.endpoint(i).uris()).build()).toList();
    }

    /** Starts moving {@code cluster}'s leader. */
    public static LeaderChurn start(LocalEtcd cluster) {
        LeaderChurn churn = new LeaderChurn(cluster);
        Random random = new Random(7);
        churn.work = Background.start("leader-churn", () -> 500 + random.nextInt(1000), churn::move);
        return churn;
    }

    /** Moves the leader once, now, to the next member; returns when etcd has answered. */
    public static void moveOnce(LocalEtcd cluster) {
        try (LeaderChurn once = new LeaderChurn(cluster)) {
            once.move();
        }
    }

    /** How many moves etcd has acknowledged. */
    public int moves() {
        return moves.get();
    }

    private void move() {
        int leader = cluster.awaitLeader(REQUEST);
        int next = (leader + 1) % cluster.size();
        // Any answer's header names the member that gave it: a client of one member asks that one.
        long target = members.get(next).getKVClient().get(bytes("churn")).orTimeout(REQUEST.toSeconds(), TimeUnit.SECONDS).join()
            .getHeader().getMemberId();
        members.get(leader).getMaintenanceClient().moveLeader(target)
            .orTimeout(REQUEST.toSeconds(), TimeUnit.SECONDS).join();
        moves.incrementAndGet();
    }

    @Override
    public void close() {
        if (work != null) {
            work.close();
        }
        members.forEach(Client::close);
    }
}
