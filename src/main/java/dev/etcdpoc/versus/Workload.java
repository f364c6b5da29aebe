package dev.etcdpoc.versus;

import dev.etcdpoc.core.DemoFailure;
import dev.etcdpoc.core.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * The same work on either system, each worker on its own thread until stopped: register clients on a few
 * shared keys so that they contend — gets, sets, compare-and-sets, deletes — and sets of keys each written
 * once, which nothing overwrites (a lost one is then certain); and lock workers taking turns.
 */
final class Workload implements AutoCloseable {
    /** Few keys, so that the clients' calls overlap on each. */
    static final List<String> KEYS = IntStream.range(0, 4).mapToObj(i -> VersusRun.PREFIX + "k" + i).toList();
    /** Where the keys written once go: {@code versus/once/c3-17}. */
    static final String ONCE = VersusRun.PREFIX + "once/";
    /** Out of 100 calls, about: 35 gets, 20 sets, 20 compare-and-sets, 10 deletes, 15 sets of a key written once. */
    private static final int GETS = 35;
    private static final int SETS = 20;
    private static final int CASES = 20;
    private static final int DELETES = 10;
    /**
     * A register client makes at most one call per this much time (100 a second): Redis answers in well
     * under a millisecond and would otherwise record a million calls in a run, more than a checker can search;
     * etcd, which waits for its disk, stays below it here.
     */
    static final Duration PACE = Duration.ofMillis(10);

    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stopping;
    private volatile RuntimeException broken;

    private Workload() {
    }

    /** Starts {@code clients} register clients (numbered from 0, each seeded differently) and the lock {@code workers}. */
    static Workload start(List<RegisterClient> clients, List<LockWorker> workers) {
        Workload workload = new Workload();
        for (int id = 0; id < clients.size(); id++) {
            RegisterClient client = clients.get(id);
            Random random = new Random(id);
            int[] written = {0};
            String once = ONCE + "c" + id + "-";
            workload.add("versus-client-" + id, PACE, () -> step(client, random, () -> once + ++written[0]));
        }
        for (LockWorker worker : workers) {
            workload.add("versus-lock-worker-" + worker.id(), Duration.ZERO, worker::holdOnce);
        }
        workload.threads.forEach(Thread::start);
        return workload;
    }

    private static void step(RegisterClient client, Random random, Supplier<String> onceKey) {
        String key = KEYS.get(random.nextInt(KEYS.size()));
        int dice = random.nextInt(100);
        if (dice < GETS) {
            client.get(key);
        } else if (dice < GETS + SETS) {
            client.set(key);
        } else if (dice < GETS + SETS + CASES) {
            client.compareAndSet(key);
        } else if (dice < GETS + SETS + CASES + DELETES) {
            client.delete(key);
        } else {
            client.set(onceKey.get());
        }
    }

    /** A thread that runs {@code step} until stopped, at most once per {@code pace}. */
    private void add(String name, Duration pace, Runnable step) {
        Thread thread = new Thread(() -> {
            try {
                for (long next = System.nanoTime(); !stopping; next += pace.toNanos()) {
                    step.run();
                    // Pacing, not synchronisation: a step that took longer than the pace starts the next at once.
                    long ahead = next + pace.toNanos() - System.nanoTime();
                    if (ahead > 0) {
                        TimeUnit.NANOSECONDS.sleep(ahead);
                    } else {
                        next = System.nanoTime() - pace.toNanos();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                broken = e;
            }
        }, name);
        thread.setDaemon(true);
        threads.add(thread);
    }

    /** Stops every worker after its step in progress, which ends within {@code bound} (each call has a deadline). */
    void stop(Duration bound) throws InterruptedException {
        stopping = true;
        for (Thread thread : threads) {
            thread.join(bound.toMillis());
            if (thread.isAlive()) {
                throw new DemoFailure(thread.getName() + " did not end its step within " + Durations.format(bound));
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
