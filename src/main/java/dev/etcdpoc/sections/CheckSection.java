package dev.etcdpoc.sections;

import dev.etcdpoc.check.KeyVerdict;
import dev.etcdpoc.check.LinearizabilityReport;
import dev.etcdpoc.check.Verdict;
import dev.etcdpoc.check.history.HistoryFile;
import dev.etcdpoc.check.timeline.Timeline;
import dev.etcdpoc.check.timeline.TimelineReport;
import dev.etcdpoc.checkrun.CheckPlan;
import dev.etcdpoc.checkrun.CheckRun;
import dev.etcdpoc.checkrun.StaleRead;
import dev.etcdpoc.core.DemoFailure;
import dev.etcdpoc.core.Failures;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * etcd's consistency claim, checked rather than shown: clients record every call they make on a cluster
 * of the section's own while its members are killed, frozen and cut off, and the recorded history is
 * checked — linearizability with etcd's one revision order across keys, and the watch guarantees. With the
 * control (serializable gets) the checker must find the stale read the run makes certain, and say why it
 * happened. On request the run is saved as a history file and drawn as a timeline.
 */
public final class CheckSection implements Section {

    @Override
    public void run(SectionContext ctx) throws InterruptedException {
        PrintStream out = ctx.out();
        CheckPlan plan = ctx.checkPlan();
        out.println("etcd promises that each read and write takes effect at one instant between its call and its answer");
        out.println("(linearizable), and that a watch delivers every change once, in order, a transaction's changes together.");
        out.println("Here clients record every call while members fail, and a checker looks for a history that breaks it.");
        if (plan.serializableReads()) {
            out.println("Control: every get is serializable: the member it reaches answers from its own copy, without asking the");
            out.println("leader whether that copy is current. The checker must catch the stale read this run makes certain.");
        }
        CheckRun.Recording recording = CheckRun.record(plan, ctx.clients(), out::println);

        long start = System.nanoTime();
        Verdict verdict = recording.verdict();
        out.println("Checked in " + String.format(Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1e9) + " s:");
        verdict.lines().forEach(line -> out.println("  " + line));
        LinearizabilityReport calls = verdict.linearizability();
        out.println("Verdict: " + calls.operations() + " operations on " + calls.keys().size() + " keys under "
            + recording.faults().size() + " faults on " + plan.members() + " members: " + verdict.headline());
        writeOutputs(out, plan, recording, verdict);

        if (plan.serializableReads()) {
            requireCaught(out, verdict, recording.staleRead().orElseThrow(() -> new DemoFailure(
                "the control made no stale read: it makes one while a follower is cut off, the run's 4th fault")));
        } else if (!verdict.holds()) {
            throw new DemoFailure("the recorded history breaks etcd's guarantees: see the witness above");
        }
    }

    /** The control passes when the checker named the stale read it made certain, and nothing else went wrong. */
    private static void requireCaught(PrintStream out, Verdict verdict, StaleRead.Made made) {
        LinearizabilityReport report = verdict.linearizability();
        Optional<KeyVerdict> key = report.keys().stream().filter(k -> k.key().equals(StaleRead.KEY)).findFirst();
        boolean caught = key.isPresent() && key.get().status() == KeyVerdict.Status.NOT_LINEARIZABLE
            && key.get().witness().contains(made.read());
        if (!caught) {
            throw new DemoFailure("the checker did not report the stale read this run made certain ("
                + made.read().line(report.origin()) + ", after " + made.write().line(report.origin())
                + "): it misses violations it should find");
        }
        out.println("Control: the stale read was caught, as it had to be:");
        out.println("    " + made.read().line(report.origin()));
        out.println("  " + made.member() + ", cut off from its peers, answered from its own copy after the others had acknowledged");
        out.println("    " + made.write().line(report.origin()));
        out.println("  A serializable read is served by the member alone; etcd's default, linearizable, reads ask the leader first.");
        if (!verdict.watches().holds()) {
            throw new DemoFailure("the watches broke a guarantee in the control run: see the lines above");
        }
    }

    /** What the run was asked to save: its history file, its timeline report. */
    private static void writeOutputs(PrintStream out, CheckPlan plan, CheckRun.Recording recording, Verdict verdict) {
        Optional.ofNullable(plan.historyOut()).ifPresent(file -> {
            try {
                HistoryFile.write(file, recording.recorded());
            } catch (IOException e) {
                throw new DemoFailure("cannot write the history to " + file + ": " + Failures.ofFile(e), e);
            }
            out.println("History written to " + file + " (" + recording.history().size() + " calls; check it again with "
                + "'poc check-history " + file + "')");
        });
        Optional.ofNullable(plan.report()).ifPresent(file -> {
            try {
                TimelineReport.write(file, List.of(Timeline.of(recording.title(), recording.recorded(), verdict)));
            } catch (IOException e) {
                throw new DemoFailure("cannot write the report to " + file + ": " + Failures.ofFile(e), e);
            }
            out.println("Timeline report written to " + file);
        });
    }

    /** None on the demo's etcd: the section writes only to the cluster it starts. */
    @Override
    public List<String> keys() {
        return List.of();
    }
}
