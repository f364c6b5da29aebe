package dev.etcdpoc.versus;

import dev.etcdpoc.check.Operation;
import dev.etcdpoc.check.RecordedHistory;
import dev.etcdpoc.check.timeline.Timeline;
import dev.etcdpoc.check.timeline.TimelineReport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The versus run as one page of the checker's timeline report: a timeline per system, each with its calls (a lane per
 * client), the faults as bands, the takeover by a new leader or primary marked, the first anomaly found marked, and
 * the checker's witnesses highlighted with their why.
 */
final class VersusReport {
    private VersusReport() {
    }

    /** Writes the page for {@code findings} (etcd's first) to {@code file}. */
    static void write(Path file, List<Findings> findings) throws IOException {
        TimelineReport.write(file, findings.stream().map(VersusReport::timeline).toList());
    }

    private static Timeline timeline(Findings findings) {
        VersusRun.Recording run = findings.recording();
        List<RecordedHistory.Band> faults = run.faults().stream()
            .map(f -> new RecordedHistory.Band(f.injected(), f.ended(), f.what())).toList();
        List<RecordedHistory.Mark> marks = new ArrayList<>();
        run.faults().stream().filter(f -> f.takeover() != null)
            .forEach(f -> marks.add(new RecordedHistory.Mark(f.newLeaderAt(), f.takeover())));
        firstAnomaly(findings).ifPresent(marks::add);
        RecordedHistory history = new RecordedHistory(run.operations(), List.of(), faults, marks);
        return new Timeline(run.label() + ": " + run.title(), history, findings.linearizability(), findings.summary(), findings.clean());
    }

    /** The earliest anomaly found without the checker, marked when it showed: a lost write's answer, a stale read's, ... */
    private static Optional<RecordedHistory.Mark> firstAnomaly(Findings findings) {
        Stream<RecordedHistory.Mark> lost = findings.registers().lost().stream()
            .map(c -> new RecordedHistory.Mark(c.completed(), "first acknowledged write lost: " + text(c)));
        Stream<RecordedHistory.Mark> stale = findings.registers().stale().stream()
            .map(c -> new RecordedHistory.Mark(c.completed(), "first stale read: " + text(c)));
        Stream<RecordedHistory.Mark> overlaps = findings.lock().overlaps().stream()
            .map(o -> new RecordedHistory.Mark(o.second().acquired(), "first lock overlap: worker " + o.second().worker()
                + " granted the lock while worker " + o.first().worker() + " held it"));
        Stream<RecordedHistory.Mark> nonHolder = findings.lock().nonHolderWrites().stream()
            .map(w -> new RecordedHistory.Mark(w.completed(), "first write accepted from worker " + w.worker() + ", which no longer held the lock"));
        return Stream.of(lost, stale, overlaps, nonHolder).flatMap(s -> s).min(Comparator.comparingLong(RecordedHistory.Mark::at));
    }

    /** A call as a witness line shows it: its request and answer. */
    private static String text(RegisterCall call) {
        Operation op = call.operation();
        return op.request().text() + " -> " + op.response().text();
    }
}
