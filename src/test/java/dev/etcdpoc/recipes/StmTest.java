package dev.etcdpoc.recipes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdpoc.connect.ClientFactory;
import dev.etcdpoc.support.Etcd;
import dev.etcdpoc.support.EtcdExtension;
import dev.etcdpoc.support.EtcdFixture;
import io.etcd.jetcd.Client;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Stm against a real etcd: many transfers at once between a few accounts never lose or create money. */
@ExtendWith(EtcdExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StmTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String PREFIX = "test/stm/";
    private static final int ACCOUNTS = 5;
    private static final int OPENING = 1000;

    @Test
    void concurrentTransfersKeepTheTotal(EtcdFixture etcd) throws Exception {
        try (Client client = new ClientFactory(WAIT).create(etcd.endpoints()); Etcd check = new Etcd(etcd.endpoints())) {
            for (int i = 0; i < ACCOUNTS; i++) {
                check.put(PREFIX + i, String.valueOf(OPENING));
            }
            List<Integer> attempts = transfers(client, 8, 200);

            long total = 0;
            for (int i = 0; i < ACCOUNTS; i++) {
                total += Long.parseLong(value(check, PREFIX + i));
            }
            assertThat(total).as("the money, after %d transfers on 8 threads", attempts.size()).isEqualTo((long) ACCOUNTS * OPENING);
            assertThat(attempts).as("transfers that conflicted and ran again: they did happen").anyMatch(a -> a > 1);
        } finally {
            try (Etcd check = new Etcd(etcd.endpoints())) {
                check.deleteUnder(PREFIX);
            }
        }
    }

    @Test
    void aBodyReadsOneRevisionAndItsOwnWrites(EtcdFixture etcd) {
        try (Client client = new ClientFactory(WAIT).create(etcd.endpoints()); Etcd check = new Etcd(etcd.endpoints())) {
            check.put(PREFIX + "a", "1");
            Stm.Result<String> result = Stm.run(client, WAIT, 1, tx -> {
                tx.put(PREFIX + "a", "2");
                return tx.get(PREFIX + "a") + "," + tx.get(PREFIX + "missing");
            });
            assertThat(result.value()).as("a write is read back within the transaction; a missing key reads null").isEqualTo("2,null");
            assertThat(value(check, PREFIX + "a")).isEqualTo("2");
        } finally {
            try (Etcd check = new Etcd(etcd.endpoints())) {
                check.deleteUnder(PREFIX);
            }
        }
    }

    /** {@code count} random transfers on {@code threads} threads; returns how many times each body ran. */
    static List<Integer> transfers(Client client, int threads, int count) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            Random random = new Random(42);
            List<CompletableFuture<Integer>> runs = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int from = random.nextInt(ACCOUNTS);
                int to = (from + 1 + random.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
                int amount = 1 + random.nextInt(20);
                runs.add(CompletableFuture.supplyAsync(() -> Stm.run(client, WAIT, 100, tx -> {
                    int a = Integer.parseInt(tx.get(PREFIX + from));
                    int b = Integer.parseInt(tx.get(PREFIX + to));
                    tx.put(PREFIX + from, String.valueOf(a - amount));
                    tx.put(PREFIX + to, String.valueOf(b + amount));
                    return null;
                }).attempts(), pool));
            }
            List<Integer> attempts = new ArrayList<>();
            for (CompletableFuture<Integer> run : runs) {
                attempts.add(run.get(60, TimeUnit.SECONDS));
            }
            return attempts;
        } finally {
            pool.shutdownNow();
        }
    }

    private static String value(Etcd check, String key) {
        return dev.etcdpoc.core.Bytes.value(check.await(check.client().getKVClient().get(dev.etcdpoc.core.Bytes.bytes(key))));
    }
}
