package dev.etcdpoc.checkrun;

import dev.etcdpoc.core.Await;
import dev.etcdpoc.core.DemoFailure;
import dev.etcdpoc.core.Durations;
import io.etcd.jetcd.KV;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * The check's clients at work: each on its own thread, one call at a time, on a few shared keys so
 * that they contend — gets, puts, compare-and-swaps on the mod revision last seen, deletes, and
 * transactions that put two keys at once — until stopped. Each records what it did ({@link RecordingClient}).
 */
final class Workload implements AutoCloseable {
    /** Few keys, so that the clients' calls overlap on each; all under {@link CheckRun#PREFIX}. */
    static final List<String> KEYS = IntStream.range(0, 8).mapToObj(i -> CheckRun.PREFIX + "k" + i).toList();
    /** Out of 100 calls, about: 40 gets, 20 puts, 20 compare-and-swaps, 12 two-key transactions, 8 deletes. */
    private static final int GETS = 40;
    private static final int PUTS = 20;
    private static final int CASES = 20;
    private static final int TXNS = 12;

    private final List<Thread> threads = new ArrayList<>();
    private final Duration timeout;
    private volatile boolean stopping;
    private volatile RuntimeException broken;

    private Workload(Duration timeout) {
        this.timeout = timeout;
    }

    /** Starts {@code clients} clients sharing {@code kv}, numbered 0 to clients - 1, each seeded differently. */
    static Workload start(int clients, KV kv, History history, Duration timeout, boolean serializableReads) {
        Workload workload = new Workload(timeout);
        for (int id = 0; id < clients; id++) {
            RecordingClient client = new RecordingClient(id, kv, history, timeout, serializableReads);
            Random random = new Random(id);
            Thread thread = new Thread(() -> workload.loop(client, random), "check-client-" + id);
            thread.setDaemon(true);
            workload.threads.add(thread);
        }
        workload.threads.forEach(Thread::start);
        return workload;
    }

    private void loop(RecordingClient client, Random random) {
        try {
            while (!stopping) {
                String key = KEYS.get(random.nextInt(KEYS.size()));
                int dice = random.nextInt(100);
                if (dice < GETS) {
                    client.get(key);
                } else if (dice < GETS + PUTS) {
                    client.put(key);
                } else if (dice < GETS + PUTS + CASES) {
                    client.compareAndSwap(key);
                } else if (dice < GETS + PUTS + CASES + TXNS) {
                    String other = KEYS.get((KEYS.indexOf(key) + 1 + random.nextInt(KEYS.size() - 1)) % KEYS.size());
                    client.putBoth(key, other);
                } else {
                    client.delete(key);
                }
            }
        } catch (RuntimeException e) {
            broken = e;
        }
    }

    /** Stops every client after its call in progress (each ends within its request's bounded wait). */
    void stop() throws InterruptedException {
        stopping = true;
        long bound = Await.requestWait(timeout).toMillis();
        for (Thread thread : threads) {
            thread.join(bound);
            if (thread.isAlive()) {
                throw new DemoFailure(thread.getName() + " did not end its call within " + Durations.format(Duration.ofMillis(bound)));
            }
        }
        if (broken != null) {
            throw broken;
        }
    }

    @Override
    public void close() {
        stopping = true;
    }
}
