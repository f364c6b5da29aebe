package dev.etcdpoc.check;

import static dev.etcdpoc.check.Calls.delete;
import static dev.etcdpoc.check.Calls.deleteUnknown;
import static dev.etcdpoc.check.Calls.put;
import static dev.etcdpoc.check.Calls.putUnknown;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Where writes without an answer landed, as the watches delivered them ({@link WatchEvent#writtenBy(List, List)}). */
class UnansweredWritesTest {

    private static RecordedWatch watch(List<WatchEvent> events) {
        return new RecordedWatch("w", "p/", List.of(new RecordedWatch.Segment(2, events.stream().map(List::of).toList())));
    }

    @Test
    void anUnansweredPutIsPlacedWhereAWatchDeliveredItsValue() {
        List<Operation> history = List.of(put(1, 0, 1, "p/a", "a1", 2), putUnknown(2, 1, "p/a", "a2"));
        List<WatchEvent> delivered = List.of(WatchEvent.put(2, "p/a", "a1"), WatchEvent.put(3, "p/a", "a2"));

        List<WatchEvent> written = WatchEvent.writtenBy(history, List.of(watch(delivered)));

        assertThat(written).containsExactlyInAnyOrderElementsOf(delivered);
        assertThat(WatchGuarantees.check(written, List.of(watch(delivered))).holds()).isTrue();
    }

    @Test
    void aValueAnAcknowledgedPutWroteIsNotPlacedAgainAtAnotherRevision() {
        // The put was answered at revision 2; the value showing up again at 4 is a write applied twice.
        List<Operation> history = List.of(put(1, 0, 1, "p/a", "a1", 2), putUnknown(2, 1, "p/a", "a2"));
        List<WatchEvent> delivered = List.of(WatchEvent.put(2, "p/a", "a1"), WatchEvent.put(3, "p/a", "a2"),
            WatchEvent.put(4, "p/a", "a1"));

        List<WatchEvent> written = WatchEvent.writtenBy(history, List.of(watch(delivered)));

        assertThat(written).containsExactlyInAnyOrder(WatchEvent.put(2, "p/a", "a1"), WatchEvent.put(3, "p/a", "a2"));
        assertThat(WatchGuarantees.check(written, List.of(watch(delivered))).violations())
            .extracting(WatchReport.Violation::detail)
            .containsExactly("delivered PUT p/a=a1@rev4, but nothing was written to p/a at revision 4");
    }

    @Test
    void aValueDeliveredOnAnotherKeyIsNotPlaced() {
        List<Operation> history = List.of(putUnknown(1, 0, "p/a", "a1"));

        assertThat(WatchEvent.writtenBy(history, List.of(watch(List.of(WatchEvent.put(2, "p/b", "a1")))))).isEmpty();
    }

    @Test
    void eachUnansweredDeleteExplainsOneDeleteEventOfItsKey() {
        List<Operation> history = List.of(put(1, 0, 1, "p/a", "a1", 2), deleteUnknown(2, 1, "p/a"),
            put(1, 2, 3, "p/a", "a2", 4), delete(1, 3, 4, "p/b", 0, 4));
        List<WatchEvent> delivered = List.of(WatchEvent.put(2, "p/a", "a1"), WatchEvent.delete(3, "p/a"),
            WatchEvent.put(4, "p/a", "a2"), WatchEvent.delete(5, "p/a"), WatchEvent.delete(6, "p/b"));

        List<WatchEvent> written = WatchEvent.writtenBy(history, List.of(watch(delivered)));

        assertThat(written).containsExactlyInAnyOrder(WatchEvent.put(2, "p/a", "a1"), WatchEvent.delete(3, "p/a"),
            WatchEvent.put(4, "p/a", "a2"));
    }
}
