package dev.etcdpoc.check;

import static dev.etcdpoc.check.Calls.cas;
import static dev.etcdpoc.check.Calls.deleteUnknown;
import static dev.etcdpoc.check.Calls.get;
import static dev.etcdpoc.check.Calls.getAbsent;
import static dev.etcdpoc.check.Calls.put;
import static dev.etcdpoc.check.Calls.putUnknown;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * etcd's revision is one sequence for the whole store: the histories of issue 30 that a key-by-key check
 * got wrong, and others that only the keys together decide. Times in ms.
 */
class AcrossKeysTest {

    private static LinearizabilityReport check(Operation... history) {
        LinearizabilityReport report = Linearizability.check(List.of(history));
        assertThat(report.linearizable()).as("brute force agrees").isEqualTo(EtcdOracle.linearizable(List.of(history)));
        return report;
    }

    @Test
    void aReadServedBelowAWriteOnAnotherKeyThatHadCompletedIsAViolation() {
        LinearizabilityReport report = check(
            put(1, 0, 1, "k0", "a", 3),
            getAbsent(2, 2, 3, "k1", 2));

        assertThat(report.keys()).extracting(KeyVerdict::status).containsOnly(KeyVerdict.Status.LINEARIZABLE);
        assertThat(report.lines()).containsExactly(
            "2 operations (2 ok, 0 failed, 0 unknown) on 2 keys: NOT linearizable across keys",
            "keys k0, k1 together: NOT linearizable; smallest history that shows it (2 operations):",
            "    client 1 [0.0 .. 1.0 ms] put(k0, a) -> ok, rev 3",
            "    client 2 [2.0 .. 3.0 ms] get(k1) -> absent (rev 2)",
            "    why: get(k1) got rev 2 though it began after put(k0, a) had completed at rev 3: revisions went backwards");
    }

    @Test
    void twoWritesOnTwoKeysWithOneRevisionAreAViolation() {
        LinearizabilityReport report = check(
            put(1, 0, 2, "k0", "a", 2),
            put(2, 0, 1, "k1", "b", 2));

        assertThat(report.acrossKeys().witness()).hasSize(2);
        assertThat(report.acrossKeys().reason()).isEqualTo("put(k0, a) and put(k1, b) both changed the store at rev 2, "
            + "but each change takes a revision of its own (only a transaction's writes share one)");
    }

    @Test
    void anUnansweredPutMayBeTheWriteAtTheRevisionACasComparesAgainst() {
        // The false alarm: the put was applied at revision 2, and etcd compares mod revisions by number.
        LinearizabilityReport report = check(
            putUnknown(1, 0, "k", "a"),
            cas(2, 1, 2, "k", 2, "b", true, 3));

        assertThat(report.linearizable()).isTrue();
    }

    @Test
    void aFreshStoreIsAtRevisionOneAndItsFirstWriteGetsTwo() {
        LinearizabilityReport report = check(put(1, 0, 1, "k", "a", 1));

        assertThat(report.lines()).containsExactly(
            "1 operations (1 ok, 0 failed, 0 unknown) on 1 key: NOT linearizable (1 of 1 keys)",
            "key k: NOT linearizable; smallest history that shows it (1 operation):",
            "    client 1 [0.0 .. 1.0 ms] put(k, a) -> ok, rev 1",
            "    why: put(k, a) got rev 1, but a fresh store is at revision 1 and its first change takes 2");
        assertThat(check(getAbsent(1, 0, 1, "k", 1), put(1, 2, 3, "k", "a", 2)).linearizable()).isTrue();
    }

    @Test
    void unansweredDeletesOnTwoKeysNeedARevisionEach() {
        // Each key alone is fine: its delete took revision 4. Together they need two revisions above 3 and at
        // most 4, where there is one.
        LinearizabilityReport report = check(
            put(1, 0, 1, "k0", "a", 2),
            put(2, 0, 1, "k1", "b", 3),
            deleteUnknown(3, 2, "k0"),
            deleteUnknown(4, 2, "k1"),
            getAbsent(1, 5, 6, "k0", 4),
            getAbsent(2, 5, 6, "k1", 4));

        assertThat(report.keys()).extracting(KeyVerdict::status).containsOnly(KeyVerdict.Status.LINEARIZABLE);
        assertThat(report.acrossKeys().status()).isEqualTo(KeyVerdict.Status.NOT_LINEARIZABLE);
        assertThat(check(
            put(1, 0, 1, "k0", "a", 2),
            put(2, 0, 1, "k1", "b", 3),
            deleteUnknown(3, 2, "k0"),
            deleteUnknown(4, 2, "k1"),
            getAbsent(1, 5, 6, "k0", 5),
            getAbsent(2, 5, 6, "k1", 5)).linearizable()).isTrue();
    }

    @Test
    void anUnansweredWriteTakesARevisionAboveWhatCompletedOnAnyKeyBeforeItWasSent() {
        // The delete was sent after the put at 3 completed: it deleted at 4 or later, not by revision 3.
        LinearizabilityReport report = check(
            put(1, 0, 1, "k0", "a", 2),
            put(2, 0, 1, "k1", "b", 3),
            deleteUnknown(3, 2, "k0"),
            getAbsent(1, 5, 6, "k0", 3));

        assertThat(report.linearizable()).isFalse();
    }

    @Test
    void anUnansweredTransactionTookEffectOnBothKeysOrOnNeither() {
        // The read of k1 saw the transaction's value at 4, so k0 got its value at 4 too: the read of k0 at 5 cannot
        // see the older value.
        Operation txn0 = new Operation(3, 2 * Calls.MS, Long.MAX_VALUE, new Request.Put("k0", "t0"), Response.UNKNOWN, 9);
        Operation txn1 = new Operation(3, 2 * Calls.MS, Long.MAX_VALUE, new Request.Put("k1", "t1"), Response.UNKNOWN, 9);
        LinearizabilityReport report = check(
            put(1, 0, 1, "k0", "a", 2),
            txn0, txn1,
            get(2, 5, 6, "k1", "t1", 4, 4),
            get(2, 7, 8, "k0", "a", 2, 5));

        assertThat(report.linearizable()).isFalse();
        assertThat(check(put(1, 0, 1, "k0", "a", 2), txn0, txn1, get(2, 5, 6, "k1", "t1", 4, 4),
            get(2, 7, 8, "k0", "t0", 4, 5)).linearizable()).isTrue();
    }

    @Test
    void readsOfOneUnansweredTransactionAtTwoRevisionsAreAViolation() {
        // Found by the differential test (seed 3179597): each key alone places its put where its read saw it.
        Operation txn0 = new Operation(2, 2 * Calls.MS, Long.MAX_VALUE, new Request.Put("k0", "v2"), Response.UNKNOWN, 2);
        Operation txn1 = new Operation(2, 2 * Calls.MS, Long.MAX_VALUE, new Request.Put("k1", "v3"), Response.UNKNOWN, 2);
        LinearizabilityReport report = check(
            getAbsent(0, 0, 1, "k1", 1),
            txn0, txn1,
            put(1, 3, 6, "k1", "v4", 3),
            cas(3, 1, 4, "k0", 2, "v1", false, 1),
            get(3, 5, 5, "k1", "v3", 2, 2),
            get(1, 7, 11, "k0", "v2", 4, 4));

        assertThat(report.acrossKeys().status()).isEqualTo(KeyVerdict.Status.NOT_LINEARIZABLE);
        assertThat(report.acrossKeys().witness()).contains(txn0, txn1);
        assertThat(report.acrossKeys().reason()).isEqualTo("get returned v3@rev2 and get returned v2@rev4, but put(k1, v3) "
            + "and put(k0, v2) are one transaction, which takes one revision");
    }

    @Test
    void anUnansweredWriteCannotTakeTheRevisionOfAWriteOnAnotherKey() {
        // The delete was sent before anything completed; only revision 3 lies between the put at 2 and the read
        // at 3, and the put on k1 took it.
        Operation[] history = {
            put(1, 0, 1, "k0", "a", 2),
            put(2, 0, 1, "k1", "x", 3),
            deleteUnknown(3, 0, "k0"),
            getAbsent(4, 2, 3, "k0", 3)};

        assertThat(check(history).keys().get(0).status()).isEqualTo(KeyVerdict.Status.NOT_LINEARIZABLE);
        history[1] = put(2, 0, 5, "k1", "x", 4);
        assertThat(check(history).linearizable()).as("with revision 3 free").isTrue();
    }
}
