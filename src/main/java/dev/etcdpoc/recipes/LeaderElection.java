package dev.etcdpoc.recipes;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Election;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.election.LeaderKey;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchResponse;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Leader election on etcd: candidates campaign with a value (their address, say) on a lease of their
 * own; etcd queues each candidate's key under {@code NAME/} and the oldest key leads, so exactly one
 * candidate leads at a time, and the next takes over when the leader resigns or its lease ends.
 *
 * <p>What to do when the lease is lost: the leader key goes with it, and another candidate may lead
 * already. A leader checks {@link Leadership#stillLeads()} before acting as leader, and fences what it
 * writes with its key's create revision (as {@link FencedLock} does).
 *
 * <p>{@link #observe} follows who leads without campaigning: a watch on {@code NAME/} that reads the
 * oldest key after each change, opened again after a failure or a silence, from the revision after the
 * last change it saw; after a silence it reads who leads as well, since a frozen member's stream just stays
 * silent. jetcd's own {@code observe()} keeps one stream on one member and cannot be closed.
 */
public final class LeaderElection {
    private LeaderElection() {
    }

    /** A candidate that leads: its leader key (NAME/<lease in hex>) and that key's create revision. */
    public record Leadership(Client client, LeaderKey key, Duration timeout) {
        public long revision() {
            return key.getRevision();
        }

        /** True while the leader key is still there as created: false once the lease is lost or the leader resigned. */
        public boolean stillLeads() {
            List<KeyValue> kvs = RecipeException.await(client.getKVClient().get(key.getKey()), timeout,
                "GET " + key.getKey().toString(UTF_8)).getKvs();
            return !kvs.isEmpty() && kvs.get(0).getCreateRevision() == key.getRevision();
        }

        /** Steps down: the next candidate leads. Returns the revision of the resignation. */
        public long resign() {
            return RecipeException.await(client.getElectionClient().resign(key), timeout, "RESIGN " + key.getName().toString(UTF_8))
                .getHeader().getRevision();
        }
    }

    /** Campaigns without waiting: the future completes once this candidate leads. Bound the wait yourself. */
    public static CompletableFuture<Leadership> campaign(Client client, String name, long leaseId, String value, Duration timeout) {
        Election election = client.getElectionClient();
        return election.campaign(ByteSequence.from(name, UTF_8), leaseId, ByteSequence.from(value, UTF_8))
            .thenApply(won -> new Leadership(client, won.getLeader(), timeout));
    }

    /** Campaigns and waits, at most {@code timeout}, until this candidate leads. */
    public static Leadership lead(Client client, String name, long leaseId, String value, Duration timeout) {
        return RecipeException.await(campaign(client, name, leaseId, value, timeout), timeout, "CAMPAIGN " + name);
    }

    /** The leader's value now, or null when nobody campaigns. */
    public static String leader(Client client, String name, Duration timeout) {
        GetOption oldestFirst = GetOption.builder().isPrefix(true).withLimit(1)
            .withSortField(GetOption.SortTarget.CREATE).withSortOrder(GetOption.SortOrder.ASCEND).build();
        List<KeyValue> oldest = RecipeException.await(client.getKVClient().get(ByteSequence.from(name + "/", UTF_8), oldestFirst), timeout,
            "GET " + name + "/").getKvs();
        return oldest.isEmpty() ? null : oldest.get(0).getValue().toString(UTF_8);
    }

    /** Follows who leads {@code name} from {@code fromRevision} on; close it when done. */
    public static Observer observe(Client client, String name, long fromRevision, Duration timeout) {
        return new Observer(client, name, fromRevision, timeout);
    }

    /** Who leads, as it changes. */
    public static final class Observer implements AutoCloseable {
        private static final long PAUSE_MS = 100;
        private final Client client;
        private final String name;
        private final Duration timeout;
        private final BlockingQueue<Object> changes = new LinkedBlockingQueue<>();
        private long nextRevision;
        private io.etcd.jetcd.Watch.Watcher watcher;

        private Observer(Client client, String name, long fromRevision, Duration timeout) {
            this.client = client;
            this.name = name;
            this.timeout = timeout;
            watchFrom(fromRevision);
        }

        /** The leader's value at the next change of leader: the first seen that is not {@code previous} (null: nobody yet). */
        public String nextLeader(String previous, Duration within) throws InterruptedException {
            long deadline = System.nanoTime() + within.toNanos();
            // A frozen member keeps its stream open and silent, and a stream opened again may land on it again: after
            // a silence of a third of the wait, ask who leads (a read, which the client's deadline moves off such a
            // member) and watch again, from the revision after the last change seen.
            long silence = within.toNanos() / 3;
            while (true) {
                Object next = changes.poll(Math.max(0, Math.min(deadline - System.nanoTime(), silence)), TimeUnit.NANOSECONDS);
                if (next instanceof Throwable failure) {
                    if (System.nanoTime() - deadline >= 0) {
                        throw new RecipeException("OBSERVE " + name, failure);
                    }
                    // The stream failed (its member died, or lost its leader): watch again after a pause, elsewhere.
                    TimeUnit.MILLISECONDS.sleep(PAUSE_MS);
                    watchFrom(nextRevision);
                    continue;
                }
                // A change, or a silence: ask who leads now.
                String leader = leader(client, name, timeout);
                if (leader != null && !Objects.equals(leader, previous)) {
                    return leader;
                }
                if (System.nanoTime() - deadline >= 0) {
                    throw new RecipeException("OBSERVE " + name, new TimeoutException(
                        "no change of leader within " + within.toMillis() + " ms"));
                }
                if (next == null) {
                    watchFrom(nextRevision);
                }
            }
        }

        private synchronized void watchFrom(long revision) {
            if (watcher != null) {
                watcher.close();
            }
            nextRevision = revision;
            WatchOption option = WatchOption.builder().isPrefix(true).withRevision(revision).withRequireLeader(true).build();
            watcher = client.getWatchClient().watch(ByteSequence.from(name + "/", UTF_8), option, this::seen, changes::add);
        }

        private synchronized void seen(WatchResponse response) {
            if (!response.getEvents().isEmpty()) {
                nextRevision = response.getEvents().get(response.getEvents().size() - 1).getKeyValue().getModRevision() + 1;
                changes.add(response);
            }
        }

        @Override
        public synchronized void close() {
            watcher.close();
        }
    }
}
