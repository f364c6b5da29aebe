package dev.etcdpoc.sections;

import static dev.etcdpoc.core.Bytes.bytes;
import static dev.etcdpoc.core.Bytes.text;

import dev.etcdpoc.core.DemoFailure;
import dev.etcdpoc.recipes.OwnedKeys;
import dev.etcdpoc.recipes.Stm;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Narrates {@link Stm}: transfers between accounts, each a transaction over several keys. Two transfers
 * read the same account before either commits; the second is refused and runs again from fresh reads.
 * Then many transfers run at once, and the total is what it was.
 */
public final class StmSection implements Section {
    private static final String PREFIX = "demo/stm/";
    private static final List<String> ACCOUNTS = List.of("alice", "bob", "carol");
    private static final int OPENING_BALANCE = 100;
    private static final int MAX_ATTEMPTS = 20;
    private static final int THREADS = 4;
    /** Run at once, in any order: small enough that no account can go below zero whichever order they commit in. */
    private static final List<Transfer> AT_ONCE = List.of(new Transfer("bob", "alice", 10), new Transfer("carol", "bob", 15),
        new Transfer("alice", "carol", 5), new Transfer("bob", "carol", 10), new Transfer("carol", "alice", 20),
        new Transfer("alice", "bob", 5), new Transfer("carol", "bob", 10), new Transfer("bob", "alice", 5),
        new Transfer("carol", "alice", 10), new Transfer("alice", "carol", 5), new Transfer("bob", "carol", 5),
        new Transfer("carol", "bob", 5));

    /** Moves {@code amount} from one account to another. */
    private record Transfer(String from, String to, int amount) {
        /** The transaction's body: the balances it read, and the writes it buffers. */
        Map<String, Integer> apply(Stm.Tx tx) {
            int fromBalance = Integer.parseInt(tx.get(PREFIX + from));
            int toBalance = Integer.parseInt(tx.get(PREFIX + to));
            if (fromBalance < amount) {
                throw new IllegalStateException(from + " has " + fromBalance + ", less than " + amount);
            }
            tx.put(PREFIX + from, String.valueOf(fromBalance - amount));
            tx.put(PREFIX + to, String.valueOf(toBalance + amount));
            Map<String, Integer> read = new LinkedHashMap<>();
            read.put(from, fromBalance);
            read.put(to, toBalance);
            return read;
        }

        @Override
        public String toString() {
            return from + " -> " + to + " " + amount;
        }
    }

    @Override
    public void run(SectionContext ctx) throws InterruptedException {
        ctx.out().println("A transfer between accounts is one transaction over several keys: it reads at one revision,");
        ctx.out().println("and writes only if nothing it read changed since; one that conflicts runs again from fresh reads.");
        Duration wait = ctx.requestWait();
        try (OwnedKeys created = new OwnedKeys(ctx.client(), wait)) {
            long opened = open(ctx);
            ACCOUNTS.forEach(account -> created.add(PREFIX + account, opened));
            ctx.out().println("PUT " + ACCOUNTS.stream().map(a -> PREFIX + a + " = " + OPENING_BALANCE).collect(Collectors.joining(", "))
                + " (total " + OPENING_BALANCE * ACCOUNTS.size() + ", revision " + opened + ")");
            conflict(ctx, wait);
            atOnce(ctx, wait);
        }
    }

    /** Two transfers that both read alice before either commits: the second is refused, runs again, and commits. */
    private static void conflict(SectionContext ctx, Duration wait) throws InterruptedException {
        Transfer first = new Transfer("alice", "bob", 30);
        Transfer second = new Transfer("alice", "carol", 50);
        CountDownLatch secondRead = new CountDownLatch(1);
        CountDownLatch firstCommitted = new CountDownLatch(1);
        BlockingQueue<Map<String, Integer>> secondReads = new LinkedBlockingQueue<>();
        CompletableFuture<Stm.Result<Map<String, Integer>>> running = CompletableFuture.supplyAsync(() ->
            Stm.run(ctx.client(), wait, MAX_ATTEMPTS, tx -> {
                Map<String, Integer> read = second.apply(tx);
                secondReads.add(read);
                secondRead.countDown();
                awaitOrFail(firstCommitted, wait, "transfer-1's commit");
                return read;
            }));
        Stm.Result<Map<String, Integer>> firstResult = Stm.run(ctx.client(), wait, MAX_ATTEMPTS, tx -> {
            Map<String, Integer> read = first.apply(tx);
            awaitOrFail(secondRead, wait, "transfer-2's reads");
            return read;
        });
        ctx.out().println("transfer-1 " + first + ": reads " + balances(firstResult.value()));
        ctx.out().println("transfer-2 " + second + ": reads " + balances(take(secondReads, wait)));
        ctx.out().println("transfer-1 commits at revision " + firstResult.revision() + " (attempt " + firstResult.attempts() + ")");
        firstCommitted.countDown();
        Stm.Result<Map<String, Integer>> secondResult = ctx.await(running, "transfer-2");
        ctx.expect("transfer-2's attempts", secondResult.attempts(), 2);
        ctx.out().println("transfer-2 is refused (alice changed since its read) and runs again: reads " + balances(take(secondReads, wait)));
        ctx.out().println("transfer-2 commits at revision " + secondResult.revision() + " (attempt " + secondResult.attempts() + ")");
    }

    /** Many transfers at once: each commits, however they interleave, and the money is all still there. */
    private static void atOnce(SectionContext ctx, Duration wait) {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<CompletableFuture<Stm.Result<Map<String, Integer>>>> transfers = new ArrayList<>();
            AT_ONCE.forEach(t -> transfers.add(CompletableFuture.supplyAsync(() -> Stm.run(ctx.client(), wait, MAX_ATTEMPTS, t::apply), pool)));
            transfers.forEach(t -> ctx.await(t, "a transfer"));
            ctx.out().println(AT_ONCE.size() + " more transfers at once, on " + THREADS + " threads: " + transfers.size() + " committed");
        } finally {
            pool.shutdownNow();
        }
        Map<String, Integer> balances = new LinkedHashMap<>();
        for (KeyValue kv : ctx.await(ctx.client().getKVClient().get(bytes(PREFIX), GetOption.builder().isPrefix(true).build()),
            "GET " + PREFIX).getKvs()) {
            balances.put(text(kv.getKey()).substring(PREFIX.length()), Integer.parseInt(text(kv.getValue())));
        }
        ctx.expect("GET " + PREFIX, balances, expectedBalances());
        ctx.out().println("GET " + PREFIX + ": " + balances(balances) + " (total "
            + balances.values().stream().mapToInt(Integer::intValue).sum() + ")");
    }

    /** The accounts at the opening balance, created in one txn only if none exists yet; returns their create revision. */
    private static long open(SectionContext ctx) {
        TxnResponse txn = ctx.await(ctx.client().getKVClient().txn()
            .If(ACCOUNTS.stream().map(a -> new Cmp(bytes(PREFIX + a), Cmp.Op.EQUAL, CmpTarget.createRevision(0))).toArray(Cmp[]::new))
            .Then(ACCOUNTS.stream().map(a -> Op.put(bytes(PREFIX + a), bytes(String.valueOf(OPENING_BALANCE)), PutOption.DEFAULT))
                .toArray(Op[]::new))
            .commit(), "TXN open accounts under " + PREFIX);
        if (!txn.isSucceeded()) {
            throw new DemoFailure("someone else created keys under " + PREFIX + " meanwhile; the stm section leaves them alone");
        }
        return txn.getHeader().getRevision();
    }

    /** What every transfer together does to the opening balances, whichever order they commit in. */
    private static Map<String, Integer> expectedBalances() {
        Map<String, Integer> balances = new LinkedHashMap<>();
        ACCOUNTS.forEach(a -> balances.put(a, OPENING_BALANCE));
        List<Transfer> all = new ArrayList<>(List.of(new Transfer("alice", "bob", 30), new Transfer("alice", "carol", 50)));
        all.addAll(AT_ONCE);
        for (Transfer t : all) {
            balances.merge(t.from(), -t.amount(), Integer::sum);
            balances.merge(t.to(), t.amount(), Integer::sum);
        }
        return balances;
    }

    private static String balances(Map<String, Integer> balances) {
        return balances.entrySet().stream().map(e -> e.getKey() + " = " + e.getValue()).collect(Collectors.joining(", "));
    }

    private static <T> T take(BlockingQueue<T> queue, Duration wait) throws InterruptedException {
        T next = queue.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        if (next == null) {
            throw new DemoFailure("transfer-2 read nothing within " + wait.toMillis() + " ms");
        }
        return next;
    }

    /** Inside a transaction body: wait for the other transfer's step, bounded. */
    private static void awaitOrFail(CountDownLatch step, Duration wait, String what) {
        try {
            if (!step.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new DemoFailure(what + " did not come within " + wait.toMillis() + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DemoFailure(what + ": interrupted", e);
        }
    }

    @Override
    public List<String> keys() {
        return List.of(PREFIX);
    }
}
