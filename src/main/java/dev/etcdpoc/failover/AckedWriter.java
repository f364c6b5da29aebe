package dev.etcdpoc.failover;

import static dev.etcdpoc.core.Bytes.bytes;

import dev.etcdpoc.core.Await;
import dev.etcdpoc.core.DemoFailure;
import dev.etcdpoc.core.Durations;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Writes numbered keys (prefix + 000001, 000002, ...) one at a time on its own thread and records
 * every write etcd acknowledged, with its revision and when. A write that fails (its member died,
 * an election is under way) may or may not have been applied, so it is retried as "create if
 * absent": a retry never writes a key twice, and every number is acknowledged before the next.
 */
public final class AckedWriter implements AutoCloseable {
    /** One acknowledged write. */
    public record Ack(int number, String key, long revision, long nanoTime) {
    }

    /** How long one number may go unacknowledged before the writer gives up. */
    private static final Duration GIVE_UP = Duration.ofSeconds(30);
    /** Pause between retries of a failed write, so a fast failure (connection refused) does not spin. */
    private static final long RETRY_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final KV kv;
    private final String prefix;
    private final Duration timeout;
    private final List<Ack> acks = new ArrayList<>();
    private final Thread thread;
    private volatile boolean stopping;
    private volatile DemoFailure failure;
    private int failedAttempts;

    private AckedWriter(KV kv, String prefix, Duration timeout) {
        this.kv = kv;
        this.prefix = prefix;
        this.timeout = timeout;
        this.thread = new Thread(this::writeUntilStopped, "acked-writer");
        thread.setDaemon(true);
    }

    /** Starts writing under {@code prefix}, each request with {@code timeout}. */
    public static AckedWriter start(KV kv, String prefix, Duration timeout) {
        AckedWriter writer = new AckedWriter(kv, prefix, timeout);
        writer.thread.start();
        return writer;
    }

    public static String key(String prefix, int number) {
        return prefix + String.format("%06d", number);
    }

    private void writeUntilStopped() {
        try {
            for (int n = 1; !stopping; n++) {
                Ack ack = writeUntilAcknowledged(n);
                synchronized (this) {
                    acks.add(ack);
                    notifyAll();
                }
            }
        } catch (DemoFailure e) {
            failure = e;
            synchronized (this) {
                notifyAll();
            }
        }
    }

    private Ack writeUntilAcknowledged(int n) {
        ByteSequence key = bytes(key(prefix, n));
        long giveUp = System.nanoTime() + GIVE_UP.toNanos();
        while (true) {
            try {
                TxnResponse r = Await.result(kv.txn()
                    .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(0)))
                    .Then(Op.put(key, bytes(String.valueOf(n)), PutOption.DEFAULT))
                    .Else(Op.get(key, GetOption.DEFAULT))
                    .commit(), timeout, "PUT " + key(prefix, n));
                // Else branch: an earlier attempt was applied after all; its revision is the key's.
                long revision = r.isSucceeded() ? r.getHeader().getRevision()
                    : r.getGetResponses().get(0).getKvs().get(0).getModRevision();
                return new Ack(n, key(prefix, n), revision, System.nanoTime());
            } catch (DemoFailure e) {
                synchronized (this) {
                    failedAttempts++;
                }
                if (System.nanoTime() > giveUp) {
                    throw new DemoFailure("write " + n + " not acknowledged within " + Durations.format(GIVE_UP)
                        + ": " + e.getMessage(), e);
                }
                LockSupport.parkNanos(RETRY_BACKOFF_NANOS);
            }
        }
    }

    /** Waits until {@code count} writes are acknowledged in all. */
    public synchronized void awaitAcks(int count, Duration within) throws InterruptedException {
        Await.until(this, within, () -> {
            if (failure != null) {
                throw failure;
            }
            return acks.size() >= count;
        }, () -> "only " + acks.size() + " of " + count + " writes acknowledged within " + Durations.format(within));
    }

    public synchronized int ackCount() {
        return acks.size();
    }

    /** The latest acknowledged write. */
    public synchronized Ack lastAck() {
        return acks.get(acks.size() - 1);
    }

    /** Every acknowledged write so far, in order. */
    public synchronized List<Ack> acks() {
        return List.copyOf(acks);
    }

    /** Attempts that failed and were retried. */
    public synchronized int failedAttempts() {
        return failedAttempts;
    }

    /** The longest time between two consecutive acknowledgements after the {@code from}-th: how long writes stalled. */
    public synchronized Duration longestPauseAfter(int from) {
        long longest = 0;
        for (int i = Math.max(from, 1); i < acks.size(); i++) {
            longest = Math.max(longest, acks.get(i).nanoTime() - acks.get(i - 1).nanoTime());
        }
        return Duration.ofNanos(longest);
    }

    /** Stops after the write in progress is acknowledged; returns every acknowledged write. */
    public List<Ack> stop() throws InterruptedException {
        stopping = true;
        thread.join(GIVE_UP.toMillis() + timeout.toMillis());
        if (failure != null) {
            throw failure;
        }
        return acks();
    }

    @Override
    public void close() {
        stopping = true;
    }
}
