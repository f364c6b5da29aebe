package dev.etcdpoc.check;

import static dev.etcdpoc.check.Calls.cas;
import static dev.etcdpoc.check.Calls.casUnknown;
import static dev.etcdpoc.check.Calls.delete;
import static dev.etcdpoc.check.Calls.deleteUnknown;
import static dev.etcdpoc.check.Calls.get;
import static dev.etcdpoc.check.Calls.getAbsent;
import static dev.etcdpoc.check.Calls.put;
import static dev.etcdpoc.check.Calls.putFailed;
import static dev.etcdpoc.check.Calls.putUnknown;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import org.junit.jupiter.api.Test;

class LinearizabilityTest {

    private static KeyVerdict only(List<Operation> history) {
        List<KeyVerdict> keys = Linearizability.check(history).keys();
        assertThat(keys).hasSize(1);
        return keys.get(0);
    }

    private static void assertLinearizable(Operation... history) {
        KeyVerdict verdict = only(List.of(history));
        assertThat(verdict.status()).as(String.join("\n", verdict.lines(0))).isEqualTo(KeyVerdict.Status.LINEARIZABLE);
    }

    private static KeyVerdict assertViolation(Operation... history) {
        KeyVerdict verdict = only(List.of(history));
        assertThat(verdict.status()).isEqualTo(KeyVerdict.Status.NOT_LINEARIZABLE);
        assertThat(verdict.witnessMinimal()).isTrue();
        return verdict;
    }

    @Test
    void sequentialHistoryIsLinearizable() {
        assertLinearizable(
            getAbsent(1, 0, 1, "k", 1),
            put(1, 2, 3, "k", "a", 2),
            get(2, 4, 5, "k", "a", 2, 2),
            cas(1, 6, 7, "k", 2, "b", true, 3),
            cas(2, 8, 9, "k", 2, "c", false, 3),
            delete(1, 10, 11, "k", 1, 4),
            delete(2, 12, 13, "k", 0, 4),
            getAbsent(1, 14, 15, "k", 4),
            cas(2, 16, 17, "k", 0, "d", true, 5),
            get(1, 18, 19, "k", "d", 5, 5));
    }

    @Test
    void overlappingPutsAndReadsMayTakeEffectInEitherOrder() {
        // The reads overlap the puts, so each may see either, in the order of the revisions.
        assertLinearizable(
            put(1, 0, 10, "k", "a", 2),
            put(2, 0, 10, "k", "b", 3),
            get(3, 1, 9, "k", "a", 2, 2),
            get(4, 1, 9, "k", "b", 3, 3),
            getAbsent(5, 1, 9, "k", 1),
            get(3, 11, 12, "k", "b", 3, 3));
        assertLinearizable(
            put(1, 0, 10, "k", "a", 3),
            put(2, 0, 10, "k", "b", 2),
            get(3, 1, 9, "k", "b", 2, 2),
            get(3, 11, 12, "k", "a", 3, 3));
    }

    @Test
    void casRaceWithOneWinnerIsLinearizable() {
        assertLinearizable(
            put(1, 0, 1, "k", "a", 2),
            cas(1, 2, 6, "k", 2, "x", false, 3),
            cas(2, 2, 6, "k", 2, "y", true, 3),
            cas(3, 3, 5, "k", 2, "z", false, 3),
            get(1, 7, 8, "k", "y", 3, 3));
    }

    @Test
    void staleReadIsAViolation() {
        KeyVerdict verdict = assertViolation(
            put(1, 0, 1, "k", "a", 2),
            put(2, 2, 3, "k", "b", 3),
            get(3, 4, 5, "k", "a", 2, 3));
        assertThat(verdict.witness()).hasSize(3);
        assertThat(verdict.reason())
            .isEqualTo("get returned a@rev2 but the latest write completed before it was b@rev3 "
                + "(a stale read, or that write was lost)");
    }

    @Test
    void lostAcknowledgedWriteIsAViolation() {
        // b was acknowledged, yet later reads show the value before it.
        KeyVerdict verdict = assertViolation(
            put(1, 0, 1, "k", "a", 2),
            get(2, 2, 3, "k", "a", 2, 2),
            put(1, 4, 5, "k", "b", 3),
            get(2, 6, 7, "k", "a", 2, 4),
            get(3, 8, 9, "k", "a", 2, 5));
        assertThat(verdict.witness()).extracting(Operation::request)
            .contains(new Request.Put("k", "b"), new Request.Put("k", "a"));
        assertThat(verdict.witness()).hasSize(3);
        assertThat(verdict.reason()).contains("latest write completed before it was b@rev3");
    }

    @Test
    void readOfAValueNeverWrittenIsAViolation() {
        KeyVerdict verdict = assertViolation(
            put(1, 0, 1, "k", "a", 2),
            get(2, 2, 3, "k", "x", 5, 5));
        assertThat(verdict.witness()).hasSize(1);
        assertThat(verdict.reason()).isEqualTo("get returned x@rev5, a value no call wrote");
    }

    @Test
    void readOfAValueOnlyAFailedPutWroteIsAViolation() {
        assertLinearizable(put(1, 0, 1, "k", "a", 2), putFailed(2, 2, 3, "k", "b"), get(1, 4, 5, "k", "a", 2, 2));
        KeyVerdict verdict = assertViolation(putFailed(2, 2, 3, "k", "b"), get(1, 4, 5, "k", "b", 3, 3));
        assertThat(verdict.reason()).endsWith("a value only a call that failed wrote");
    }

    @Test
    void casThatSucceededTwiceFromOneRevisionIsAViolation() {
        KeyVerdict verdict = assertViolation(
            put(1, 0, 1, "k", "a", 2),
            cas(1, 2, 6, "k", 2, "x", true, 3),
            cas(2, 2, 6, "k", 2, "y", true, 4));
        assertThat(verdict.witness()).hasSize(3);
        assertThat(verdict.reason()).isEqualTo("two cas from rev 2 both succeeded: x@rev3 and y@rev4");
    }

    @Test
    void revisionsGoingBackwardsAreAViolation() {
        KeyVerdict verdict = assertViolation(
            put(1, 0, 1, "k", "a", 7),
            put(2, 2, 3, "k", "b", 5));
        assertThat(verdict.witness()).hasSize(2);
        assertThat(verdict.reason()).isEqualTo(
            "put(k, b) got rev 5 though it began after put(k, a) had completed at rev 7: revisions went backwards");
    }

    @Test
    void readHeaderRevisionGoingBackwardsIsAViolation() {
        assertViolation(
            put(1, 0, 1, "k", "a", 2),
            get(2, 2, 3, "k", "a", 2, 9),
            get(2, 4, 5, "k", "a", 2, 8));
    }

    @Test
    void unknownPutThatALaterReadSawTookEffect() {
        assertLinearizable(
            put(1, 0, 1, "k", "a", 2),
            putUnknown(2, 2, "k", "b"),
            get(3, 5, 6, "k", "b", 4, 4),
            get(3, 7, 8, "k", "b", 4, 9));
    }

    @Test
    void unknownPutNobodySawMayNeverHaveTakenEffect() {
        assertLinearizable(
            put(1, 0, 1, "k", "a", 2),
            putUnknown(2, 2, "k", "b"),
            get(3, 5, 6, "k", "a", 2, 4),
            get(3, 7, 8, "k", "a", 2, 9));
    }

    @Test
    void unknownPutNobodySawMayExplainAFailedCompare() {
        assertLinearizable(
            put(1, 0, 1, "k", "a", 2),
            putUnknown(2, 2, "k", "b"),
            cas(3, 5, 6, "k", 2, "c", false, 4));
        assertViolation(
            put(1, 0, 1, "k", "a", 2),
            cas(3, 5, 6, "k", 2, "c", false, 4));
    }

    @Test
    void unknownPutCannotExplainAReadBeforeItsInvocation() {
        KeyVerdict verdict = assertViolation(
            put(1, 0, 1, "k", "a", 2),
            get(3, 2, 3, "k", "b", 4, 4),
            putUnknown(2, 5, "k", "b"));
        assertThat(verdict.witness()).hasSize(2);
        assertThat(verdict.reason()).isEqualTo("get returned b@rev4 before put(k, b), the call that wrote it, was invoked");
    }

    @Test
    void unknownDeleteAndCasMayOrMayNotTakeEffect() {
        assertLinearizable(
            put(1, 0, 1, "k", "a", 2),
            deleteUnknown(2, 2, "k"),
            get(3, 3, 4, "k", "a", 2, 2),
            getAbsent(3, 5, 6, "k", 3),
            casUnknown(1, 7, "k", 0, "b"),
            getAbsent(3, 8, 9, "k", 3),
            get(3, 10, 11, "k", "b", 5, 5));
    }

    @Test
    void keysAreJudgedSeparately() {
        LinearizabilityReport report = Linearizability.check(List.of(
            put(1, 0, 1, "good", "a", 2),
            get(1, 2, 3, "good", "a", 2, 3),
            put(1, 4, 5, "bad", "b", 3),
            getAbsent(2, 6, 7, "bad", 3)));
        assertThat(report.linearizable()).isFalse();
        assertThat(report.keys()).extracting(KeyVerdict::key, KeyVerdict::status).containsExactly(
            tuple("bad", KeyVerdict.Status.NOT_LINEARIZABLE),
            tuple("good", KeyVerdict.Status.LINEARIZABLE));
    }

    @Test
    void valueWrittenTwiceIsRejected() {
        assertThatThrownBy(() -> Linearizability.check(List.of(
            put(1, 0, 1, "k", "a", 2),
            put(2, 2, 3, "k", "a", 3))))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("value a is written twice");
    }

    @Test
    void valueOfAFailedWriteMayBeWrittenAgain() {
        assertLinearizable(
            putFailed(1, 0, 1, "k", "a"),
            put(1, 2, 3, "k", "a", 2),
            cas(2, 4, 5, "k", 7, "b", false, 2),
            cas(2, 6, 7, "k", 2, "b", true, 3));
    }

    @Test
    void anUnansweredWriteAStaleReadSawStaysInTheWitness() {
        // The read of b rests on the put of b, which got no answer: the witness keeps it, to say where b came from.
        Operation unanswered = putUnknown(2, 2, "k", "b");
        Operation stale = get(4, 8, 9, "k", "b", 3, 5);
        KeyVerdict verdict = assertViolation(
            put(1, 0, 1, "k", "a", 2),
            unanswered,
            get(3, 4, 5, "k", "b", 3, 3),
            put(1, 6, 7, "k", "c", 4),
            stale);
        assertThat(verdict.witness()).containsExactlyInAnyOrder(unanswered, put(1, 6, 7, "k", "c", 4), stale);
        assertThat(verdict.reason())
            .isEqualTo("get returned b@rev3 but the latest write completed before it was c@rev4 (a stale read, or that write was lost)");
    }
}
