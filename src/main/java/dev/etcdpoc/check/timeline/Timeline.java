package dev.etcdpoc.check.timeline;

import dev.etcdpoc.check.LinearizabilityReport;
import dev.etcdpoc.check.RecordedHistory;
import dev.etcdpoc.check.Verdict;
import java.util.Objects;

/**
 * One history to draw: its calls (a lane per client), faults (shaded bands), marked instants, watch
 * deliveries, and what the checker said of it (its violations' witnesses are highlighted, with their
 * why). Several go on one page ({@link TimelineReport}), say an etcd run and two Redis runs.
 *
 * @param report  the checker's verdict on its calls, or null for a history drawn unchecked
 * @param verdict the verdict in words, as the page heads the timeline with it
 * @param holds   whether the verdict is good news
 */
public record Timeline(String title, RecordedHistory history, LinearizabilityReport report, String verdict, boolean holds) {

    public Timeline {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(history, "history");
        Objects.requireNonNull(verdict, "verdict");
    }

    /** A run checked with its watches ({@link Verdict#check(RecordedHistory, dev.etcdpoc.check.Model, java.time.Duration)}). */
    public static Timeline of(String title, RecordedHistory history, Verdict verdict) {
        return new Timeline(title, history, verdict.linearizability(), verdict.headline(), verdict.holds());
    }

    /** A history whose calls were checked ({@link dev.etcdpoc.check.Linearizability#check}). */
    public static Timeline of(String title, RecordedHistory history, LinearizabilityReport report) {
        return new Timeline(title, history, report, report.lines().get(0), report.linearizable());
    }
}
