package dev.etcdpoc.check;

import static dev.etcdpoc.check.WatchEvent.delete;
import static dev.etcdpoc.check.WatchEvent.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.etcdpoc.check.WatchReport.Property;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class WatchGuaranteesTest {

    private static final WatchEvent A1 = put(2, "p/a", "a1");
    private static final WatchEvent B1 = put(3, "p/b", "b1");
    // One transaction: two events at revision 4.
    private static final WatchEvent A2 = put(4, "p/a", "a2");
    private static final WatchEvent B2 = put(4, "p/b", "b2");
    private static final WatchEvent X1 = put(5, "q/x", "x1");
    private static final WatchEvent DEL_A = delete(6, "p/a");
    private static final WatchEvent C1 = put(7, "p/c", "c1");
    private static final List<WatchEvent> WRITTEN = List.of(A1, B1, A2, B2, X1, DEL_A, C1);

    @SafeVarargs
    private static RecordedWatch.Segment segment(long start, List<WatchEvent>... responses) {
        return new RecordedWatch.Segment(start, Arrays.asList(responses));
    }

    private static WatchReport check(RecordedWatch.Segment... segments) {
        return WatchGuarantees.check(WRITTEN, List.of(new RecordedWatch("w", "p/", List.of(segments))));
    }

    private static void assertOnlyViolated(WatchReport report, Property... properties) {
        assertThat(report.violations()).extracting(WatchReport.Violation::property).containsOnly(properties);
    }

    /** {@code property} is violated, with exactly these details, and no other property is. */
    private static void assertOnlyViolation(WatchReport report, Property property, String... details) {
        assertOnlyViolated(report, property);
        assertThat(report.violations(property)).extracting(WatchReport.Violation::detail).containsExactly(details);
    }

    @Test
    void watchThatSawEverythingInOrderHoldsEveryGuarantee() {
        WatchReport report = check(segment(2, List.of(A1), List.of(B1), List.of(A2, B2), List.of(DEL_A), List.of(C1)));

        assertThat(report.holds()).isTrue();
        assertThat(report.lines()).containsExactly(
            "watches: 1 watch, 6 events: ordered, unique, atomic, reliable, resumable, accurate");
    }

    @Test
    void watchResumedAtTheRightRevisionHoldsEveryGuarantee() {
        WatchReport report = check(
            segment(2, List.of(A1), List.of(B1)),
            segment(4, List.of(A2, B2), List.of(DEL_A)),
            segment(7, List.of(C1)));

        assertThat(report.holds()).isTrue();
    }

    @Test
    void revisionGoingDownIsNotOrdered() {
        WatchReport report = check(segment(0, List.of(A1), List.of(A2, B2), List.of(B1), List.of(DEL_A)));

        assertOnlyViolated(report, Property.ORDERED);
        assertThat(report.violations(Property.ORDERED)).extracting(WatchReport.Violation::line)
            .containsExactly("watch w: revision 3 came after revision 4");
    }

    @Test
    void eventDeliveredTwiceIsNotUnique() {
        WatchReport report = check(segment(0, List.of(A1), List.of(B1), List.of(B1)));

        assertOnlyViolation(report, Property.UNIQUE, "PUT p/b=b1@rev3 delivered again");
    }

    @Test
    void transactionSplitAcrossResponsesIsNotAtomic() {
        WatchReport report = check(segment(0, List.of(A1), List.of(B1), List.of(A2), List.of(B2), List.of(DEL_A)));

        assertOnlyViolation(report, Property.ATOMIC,
            "revision 4 came split: a response carried 1 of its 2 events, without (p/b)");
    }

    @Test
    void gapIsNotReliable() {
        WatchReport report = check(segment(0, List.of(A1), List.of(B1), List.of(DEL_A)));

        assertOnlyViolation(report, Property.RELIABLE,
            "never delivered PUT p/a=a2@rev4 (it delivered revisions 2 to 6)",
            "never delivered PUT p/b=b2@rev4 (it delivered revisions 2 to 6)");
    }

    @Test
    void resumeThatSkipsIsNotResumable() {
        WatchReport report = check(segment(2, List.of(A1), List.of(B1)), segment(4, List.of(DEL_A), List.of(C1)));

        assertOnlyViolated(report, Property.RESUMABLE, Property.RELIABLE);
        assertThat(report.violations(Property.RESUMABLE)).extracting(WatchReport.Violation::detail).containsExactly(
            "segment 2 (from revision 4) began with revision 6, skipping revision 4 (p/a, p/b)");
    }

    @Test
    void resumeThatReplaysIsNotResumable() {
        WatchReport report = check(segment(2, List.of(A1), List.of(B1)), segment(4, List.of(B1), List.of(A2, B2)));

        assertOnlyViolated(report, Property.RESUMABLE, Property.UNIQUE);
        assertThat(report.violations(Property.RESUMABLE)).extracting(WatchReport.Violation::detail).containsExactly(
            "segment 2 (from revision 4) began with revision 3, before its start; expected revision 4");
    }

    @Test
    void firstSegmentMustStartAtItsRevisionToo() {
        assertOnlyViolated(check(segment(3, List.of(A2, B2))), Property.RESUMABLE);
    }

    @Test
    void eventsNeverWrittenAreNotAccurate() {
        WatchReport report = check(segment(0,
            List.of(put(2, "p/a", "wrong")),
            List.of(put(3, "p/a", "ghost"), B1),
            List.of(X1)));

        assertOnlyViolation(report, Property.ACCURATE,
            "delivered PUT p/a=wrong@rev2, but what was written there is PUT p/a=a1@rev2",
            "delivered PUT p/a=ghost@rev3, but nothing was written to p/a at revision 3",
            "delivered PUT q/x=x1@rev5, outside its prefix p/");
    }

    @Test
    void linesCountViolationsPerGuaranteeAndShowTheFirst() {
        List<WatchEvent> twice = List.of(A1, A1, A1, A1, A1, A1, A1);
        WatchReport report = check(segment(0, twice));

        assertThat(report.lines()).containsExactly(
            "watches: 1 watch, 7 events: ordered, atomic, reliable, resumable, accurate; NOT unique (6)",
            "    watch w: PUT p/a=a1@rev2 delivered again",
            "    watch w: PUT p/a=a1@rev2 delivered again",
            "    watch w: PUT p/a=a1@rev2 delivered again",
            "    watch w: PUT p/a=a1@rev2 delivered again",
            "    watch w: PUT p/a=a1@rev2 delivered again",
            "    ... and 1 more unique violations");
    }

    @Test
    void writtenEventsMustBeOnePerRevisionAndKey() {
        assertThatThrownBy(() -> WatchGuarantees.check(List.of(A1, put(2, "p/a", "other")), List.of()))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("two written events at one revision and key");
    }
}
