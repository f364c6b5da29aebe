package dev.etcdpoc.versus;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The anomalies found without the checker, on small histories whose answer is known: what is counted, and
 * what a careful definition must not count (a write that another may have replaced; a read concurrent with
 * the write it missed; "absent" after a delete that may have come between). Times in ms.
 */
class AnomaliesTest {
    private static final long NONE = Long.MAX_VALUE;
    private static final String K = "versus/k0";

    private static RegisterCall call(int client, long invoked, long completed, RegisterCall.Command command, RegisterCall.Reply reply) {
        return new RegisterCall(client, invoked, completed, command, reply);
    }

    private static RegisterCall set(long invoked, long completed, String value) {
        return call(1, invoked, completed, new RegisterCall.Set(K, value), completed == NONE ? RegisterCall.UNKNOWN : RegisterCall.OK);
    }

    private static RegisterCall get(long invoked, long completed, String value) {
        return call(2, invoked, completed, new RegisterCall.Get(K), new RegisterCall.Value(value));
    }

    private static RegisterCall delete(long invoked, long completed, RegisterCall.Reply reply) {
        return call(3, invoked, completed, new RegisterCall.Delete(K), reply);
    }

    private static RegisterCall finalRead(String value) {
        return call(VersusRun.FINAL_READER, 1000, 1001, new RegisterCall.Get(K), new RegisterCall.Value(value));
    }

    private static RegisterAnomalies of(RegisterCall last, RegisterCall... calls) {
        List<RegisterCall> history = new java.util.ArrayList<>(List.of(calls));
        history.add(last);
        return RegisterAnomalies.of(history, Map.of(K, last));
    }

    @Test
    void anAcknowledgedWriteMissingFromTheFinalStateIsLost() {
        RegisterCall write = set(0, 10, "a");

        assertThat(of(finalRead(null), write).lost()).containsExactly(write);
        assertThat(of(finalRead("a"), write).lost()).as("still there").isEmpty();
    }

    @Test
    void aWriteAnotherMayHaveReplacedIsNotCountedLost() {
        assertThat(of(finalRead(null), set(0, 10, "a"), delete(20, 30, new RegisterCall.Removed(1))).lost())
            .as("deleted afterwards").isEmpty();
        assertThat(of(finalRead("b"), set(0, 10, "a"), set(5, 15, "b")).lost()).as("overwritten by a concurrent write").isEmpty();
        assertThat(of(finalRead(null), set(0, 10, "a"), set(20, NONE, "b")).lost()).as("a later write without an answer").isEmpty();
        assertThat(of(finalRead(null), set(0, 10, "a"), call(4, 20, 30, new RegisterCall.Set(K, "b"), RegisterCall.FAILED)).lost())
            .as("a later write that failed replaced nothing: a is lost").hasSize(1);
    }

    @Test
    void aWriteWithoutAnAnswerIsNeverCountedLost() {
        assertThat(of(finalRead(null), set(0, NONE, "a")).lost()).isEmpty();
    }

    @Test
    void aReadOfAValueAfterANewerWriteWasAnsweredIsStale() {
        RegisterCall stale = get(40, 50, "a");

        assertThat(of(finalRead("b"), set(0, 10, "a"), set(20, 30, "b"), stale).stale()).containsExactly(stale);
        assertThat(of(finalRead("b"), set(0, 10, "a"), set(20, 30, "b"), get(25, 50, "a")).stale())
            .as("the newer write was not yet answered when the read was sent").isEmpty();
        assertThat(of(finalRead("b"), set(0, 10, "a"), set(5, 30, "b"), get(40, 50, "a")).stale())
            .as("the newer write overlapped the older one: it may have come first").isEmpty();
        assertThat(of(finalRead("b"), set(0, NONE, "a"), set(20, 30, "b"), get(40, 50, "a")).stale())
            .as("an unanswered write may take effect at any time").isEmpty();
    }

    @Test
    void aReadOfAValueNobodyWroteIsStale() {
        RegisterCall read = get(40, 50, "z");

        assertThat(of(finalRead(null), read).stale()).containsExactly(read);
    }

    @Test
    void absentAfterAnAnsweredWriteIsStaleUnlessADeleteMayHaveComeBetween() {
        RegisterCall read = get(20, 30, null);

        assertThat(of(finalRead("a"), set(0, 10, "a"), read).stale()).containsExactly(read);
        assertThat(of(finalRead("a"), set(0, 10, "a"), delete(5, NONE, RegisterCall.UNKNOWN), read).stale())
            .as("a delete without an answer").isEmpty();
        assertThat(of(finalRead("a"), set(0, 10, "a"), delete(12, 25, new RegisterCall.Removed(1)), read).stale())
            .as("a delete between").isEmpty();
        assertThat(of(finalRead("a"), set(0, 10, "a"), delete(12, 25, RegisterCall.FAILED), read).stale())
            .as("a delete that failed").containsExactly(read);
        assertThat(of(finalRead(null), get(0, 5, null)).stale()).as("absent before any write").isEmpty();
    }

    @Test
    void theFinalReadsAreNotCountedAsStale() {
        assertThat(of(finalRead("a"), set(0, 10, "a"), set(20, 30, "b")).stale()).isEmpty();
    }

    @Test
    void twoWorkersHoldingAtOnceOverlap() {
        LockLog.Hold first = new LockLog.Hold(0, 0, 100, LockLog.End.RELEASED);
        LockLog.Hold second = new LockLog.Hold(1, 50, 150, LockLog.End.RELEASED);
        LockLog.Hold later = new LockLog.Hold(2, 200, 300, LockLog.End.EXPIRED);
        LockLog.Hold sameWorker = new LockLog.Hold(2, 250, 260, LockLog.End.RELEASED);

        assertThat(LockAnomalies.of(List.of(later, second, first, sameWorker), List.of()).overlaps())
            .containsExactly(new LockAnomalies.Overlap(first, second));
    }

    @Test
    void aWriteAcceptedAfterTheLockPassedToAnotherIsCounted() {
        List<LockLog.Hold> holds = List.of(new LockLog.Hold(0, 0, 100, LockLog.End.RELEASED), new LockLog.Hold(1, 50, 150, LockLog.End.RELEASED));
        LockLog.Write late = new LockLog.Write(0, 0, 60, 70, "w0.1/2", LockLog.Outcome.ACCEPTED);
        LockLog.Write refused = new LockLog.Write(0, 0, 60, 70, "w0.1/3", LockLog.Outcome.REFUSED);
        LockLog.Write early = new LockLog.Write(0, 0, 40, 45, "w0.1/1", LockLog.Outcome.ACCEPTED);
        LockLog.Write own = new LockLog.Write(1, 50, 60, 70, "w1.1/1", LockLog.Outcome.ACCEPTED);

        assertThat(LockAnomalies.of(holds, List.of(early, late, refused, own)).nonHolderWrites()).containsExactly(late);
    }
}
