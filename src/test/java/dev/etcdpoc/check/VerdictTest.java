package dev.etcdpoc.check;

import static dev.etcdpoc.check.Calls.cas;
import static dev.etcdpoc.check.Calls.delete;
import static dev.etcdpoc.check.Calls.get;
import static dev.etcdpoc.check.Calls.put;
import static dev.etcdpoc.check.Calls.putFailed;
import static dev.etcdpoc.check.Calls.putUnknown;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class VerdictTest {

    private static final List<Operation> HISTORY = List.of(
        put(1, 10, 11, "p/k", "a", 2),
        putUnknown(2, 12, "p/k", "b"),
        get(1, 14, 15, "p/k", "b", 3, 3),
        cas(1, 16, 17, "p/k", 3, "c", true, 4),
        cas(2, 18, 19, "p/k", 3, "d", false, 4),
        putFailed(2, 20, 21, "p/k", "e"),
        putUnknown(2, 22, "p/k", "f"),
        delete(1, 24, 25, "p/k", 1, 5));

    @Test
    void writtenEventsComeFromAcknowledgedWritesAndUnansweredOnesThatWereRead() {
        assertThat(WatchEvent.writtenBy(HISTORY)).containsExactly(
            WatchEvent.put(2, "p/k", "a"),
            WatchEvent.put(3, "p/k", "b"),
            WatchEvent.put(4, "p/k", "c"),
            WatchEvent.delete(5, "p/k"));
    }

    @Test
    void linesSayWhatHeld() {
        List<WatchEvent> written = WatchEvent.writtenBy(HISTORY);
        RecordedWatch watch = new RecordedWatch("all", "p/", List.of(new RecordedWatch.Segment(2,
            written.stream().map(List::of).toList())));

        Verdict verdict = Verdict.check(HISTORY, written, List.of(watch));

        assertThat(verdict.holds()).isTrue();
        assertThat(verdict.lines()).containsExactly(
            "8 operations (5 ok, 1 failed, 2 unknown) on 1 key: linearizable",
            "watches: 1 watch, 4 events: ordered, unique, atomic, reliable, resumable, accurate");
    }

    @Test
    void linesShowTheWitnessOfAViolationWithTimesFromTheFirstCall() {
        Verdict verdict = Verdict.check(List.of(
            put(1, 10, 11, "k", "a", 2),
            put(2, 12, 13, "k", "b", 3),
            get(3, 14, 15, "k", "a", 2, 3),
            put(1, 14, 15, "other", "x", 4)));

        assertThat(verdict.holds()).isFalse();
        assertThat(verdict.lines()).containsExactly(
            "4 operations (4 ok, 0 failed, 0 unknown) on 2 keys: NOT linearizable (1 of 2 keys)",
            "key k: NOT linearizable; smallest history that shows it (3 operations):",
            "    client 1 [0.0 .. 1.0 ms] put(k, a) -> ok, rev 2",
            "    client 2 [2.0 .. 3.0 ms] put(k, b) -> ok, rev 3",
            "    client 3 [4.0 .. 5.0 ms] get(k) -> a@rev2 (rev 3)",
            "    why: get returned a@rev2 but the latest write completed before it was b@rev3 "
                + "(a stale read, or that write was lost)");
    }

    @Test
    void unansweredCallsShowNoEnd() {
        assertThat(putUnknown(4, 12, "k", "v").line(10_000_000)).isEqualTo("client 4 [2.0 .. ? ms] put(k, v) -> unknown");
    }
}
