package dev.etcdpoc.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The checker against histories a simulated etcd made: linearizable ones, and ones with a fault put in. */
class GeneratedHistoryTest {

    /**
     * 10 000 calls of 12 clients on 8 keys, 12% of them two-key transactions, 1% without an answer: each key
     * and then the keys together are searched. {@code -Dcheck.timing=true} prints how long it took (the
     * figures in BENCHMARKS.md), {@code -Dcheck.timing.calls=N} checks N calls instead.
     */
    @Test
    void tenThousandConcurrentCallsAcrossKeysAreChecked() {
        int calls = Integer.getInteger("check.timing.calls", 10_000);
        List<Operation> history = SimulatedHistory.generate(42, calls, 8, 12, 0.01, 0.005, 0.12);
        long start = System.nanoTime();
        LinearizabilityReport report = Linearizability.check(history);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(report.lines()).first().asString().endsWith("on 8 keys: linearizable");
        assertThat(report.unknown()).isBetween(calls / 200, calls / 50);
        assertThat(history.stream().filter(op -> op.txn() != 0).count()).isGreaterThan(calls / 10);
        if (Boolean.getBoolean("check.timing")) {
            System.out.printf("checked %d operations (%d unknown) on 8 keys in %d ms%n", history.size(), report.unknown(),
                took.toMillis());
        }
    }

    @Test
    void manySmallSimulatedHistoriesAreLinearizable() {
        for (long seed = 1; seed <= 30; seed++) {
            List<Operation> history = SimulatedHistory.generate(seed, 600, 2, 6, 0.05, 0.02);
            assertThat(Linearizability.check(history).lines()).as("seed " + seed).first().asString()
                .endsWith("linearizable").doesNotContain("NOT");
        }
    }

    @Test
    void staleReadAmongTwoHundredCallsHasAWitnessOfAtMostThree() {
        List<Operation> history = new ArrayList<>(SimulatedHistory.generate(7, 200, 1, 5, 0, 0));
        Operation firstWrite = history.stream().filter(op -> op.response() instanceof Response.Written)
            .min((a, b) -> Long.compare(a.invoked(), b.invoked())).orElseThrow();
        long end = history.stream().mapToLong(Operation::completed).filter(t -> t != Long.MAX_VALUE).max().orElseThrow();
        long written = ((Response.Written) firstWrite.response()).revision();
        String value = ((Request.Put) firstWrite.request()).value();
        history.add(new Operation(9, end + 1000, end + 2000, new Request.Get("k0"),
            new Response.Read(value, written, 10_000)));

        KeyVerdict verdict = Linearizability.check(history).keys().get(0);

        assertThat(verdict.status()).isEqualTo(KeyVerdict.Status.NOT_LINEARIZABLE);
        assertThat(verdict.witness()).hasSizeLessThanOrEqualTo(3).contains(firstWrite);
        assertThat(verdict.reason()).contains("a stale read");
    }

    @Test
    void witnessOfOneWrongReadHoldsThatRead() {
        // The history without the wrong read is linearizable, so an honest witness must hold it: one
        // without it could only come from dropping the call that explained another answer.
        Random random = new Random(3);
        for (long seed = 0; seed < 40; seed++) {
            List<Operation> history = new ArrayList<>(SimulatedHistory.generate(seed, 600, 1, 10, 0.1, 0.02));
            List<Operation> puts = history.stream().filter(op -> op.response() instanceof Response.Written).toList();
            List<Integer> reads = IntStream.range(0, history.size())
                .filter(i -> history.get(i).response() instanceof Response.Read).boxed().toList();
            int at = reads.get(random.nextInt(reads.size()));
            Operation read = history.get(at);
            Operation put = puts.get(random.nextInt(puts.size()));
            long written = ((Response.Written) put.response()).revision();
            Operation wrong = new Operation(read.client(), read.invoked(), read.completed(), read.request(),
                new Response.Read(((Request.Put) put.request()).value(), written,
                    Math.max(written, ((Response.Read) read.response()).revision())));
            history.set(at, wrong);

            for (KeyVerdict key : Linearizability.check(history).keys(KeyVerdict.Status.NOT_LINEARIZABLE)) {
                assertThat(key.witness()).as("seed " + seed + "\n" + String.join("\n", key.lines(0)))
                    .contains(wrong);
            }
        }
    }

    @Test
    void searchThatRunsOutOfTimeLeavesTheKeyUndecided() {
        // Thirty overlapping reads that can go in any order, and one that can go nowhere: proving that
        // takes every subset of the thirty.
        List<Operation> history = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            history.add(Calls.getAbsent(i, 0, 10, "k", 1));
        }
        history.add(Calls.get(99, 0, 10, "k", "x", 1, 1));

        LinearizabilityReport report = Linearizability.check(history, Duration.ofMillis(50), Duration.ofSeconds(1));

        assertThat(report.keys()).extracting(KeyVerdict::status).containsExactly(KeyVerdict.Status.UNDECIDED);
        assertThat(report.lines()).containsExactly(
            "31 operations (31 ok, 0 failed, 0 unknown) on 1 key: undecided on 1 of 1 keys",
            "key k: undecided (31 operations; the search reached its time limit)");
    }
}
