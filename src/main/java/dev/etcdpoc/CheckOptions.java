package dev.etcdpoc;

import dev.etcdpoc.checkrun.CheckPlan;
import dev.etcdpoc.connect.OptionValue;
import dev.etcdpoc.core.Durations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The check section's options: the size of its cluster, how long it runs, the control, and what it saves. */
final class CheckOptions {
    @Option(names = "--members", paramLabel = "N", converter = MembersConverter.class,
        description = "check: how many members its own cluster has, " + CheckPlan.MIN_MEMBERS + " to " + CheckPlan.MAX_MEMBERS
            + " (default " + CheckPlan.DEFAULT_MEMBERS + ").")
    private Integer members;

    @Option(names = "--duration", paramLabel = "DURATION", converter = DurationConverter.class,
        description = "check: how long its clients work under faults, 10s to 10m (default 20s: 5 faults; one more per 4s beyond).")
    private Duration duration;

    @Option(names = "--serializable-reads",
        description = "check: the control. The same run with serializable gets, which a member cut off from its peers answers "
            + "from its own copy: the checker must report a stale read (exit 0 when it does, 1 when it finds nothing).")
    private boolean serializableReads;

    @Option(names = "--history-out", paramLabel = "FILE", converter = OutputFile.class,
        description = "check: save what the run recorded (calls, watch deliveries, faults) as JSON lines, to check again "
            + "with 'poc check-history FILE' (docs/check.md, History files).")
    private Path historyOut;

    @Option(names = "--report", paramLabel = "FILE", converter = OutputFile.class,
        description = "check, versus: write a timeline of the run (versus: of each system's run) as one self-contained HTML "
            + "page: a lane per client, the faults, the watches' deliveries, and a violation's witness with its why.")
    private Path report;

    /** The plan these options describe, the defaults for those not given. */
    CheckPlan plan() {
        return CheckPlan.of(members == null ? CheckPlan.DEFAULT_MEMBERS : members,
            duration == null ? CheckPlan.DEFAULT_DURATION : duration, serializableReads).saving(historyOut, report);
    }

    /** The options given, as written: they mean something only with the check section. */
    List<String> given() {
        List<String> given = new ArrayList<>();
        if (members != null) {
            given.add("--members");
        }
        if (duration != null) {
            given.add("--duration");
        }
        if (serializableReads) {
            given.add("--serializable-reads");
        }
        if (historyOut != null) {
            given.add("--history-out");
        }
        if (report != null) {
            given.add("--report");
        }
        return given;
    }

    static final class MembersConverter extends OptionValue<Integer> {
        @Override
        protected Integer parse(String text) {
            int n;
            try {
                n = Integer.parseInt(text.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' is not a number of members; give 3 or 5");
            }
            if (n < CheckPlan.MIN_MEMBERS || n > CheckPlan.MAX_MEMBERS) {
                throw new IllegalArgumentException(n + " is outside " + CheckPlan.MIN_MEMBERS + ".." + CheckPlan.MAX_MEMBERS
                    + ": the check kills, freezes and cuts off one member at a time, and the others must stay a majority");
            }
            return n;
        }
    }

    static final class DurationConverter extends OptionValue<Duration> {
        @Override
        protected Duration parse(String text) {
            Duration d = Durations.parsePositive(text);
            if (d.compareTo(CheckPlan.MIN_DURATION) < 0 || d.compareTo(CheckPlan.MAX_DURATION) > 0) {
                throw new IllegalArgumentException("'" + text + "' is outside 10s..10m; the check injects at least 5 faults, "
                    + "of 2 s at least each: give a duration like 20s or 1m");
            }
            return d;
        }
    }

    /** A file the run will write: its folder must exist, so a long run does not end unable to save. */
    static final class OutputFile extends OptionValue<Path> {
        @Override
        protected Path parse(String text) {
            Path file = Path.of(text).toAbsolutePath();
            if (Files.isDirectory(file)) {
                throw new IllegalArgumentException("'" + text + "' is a folder; give a file name in it");
            }
            if (!Files.isDirectory(file.getParent())) {
                throw new IllegalArgumentException("'" + text + "' is in " + file.getParent() + ", which is not a folder "
                    + "that exists");
            }
            return Path.of(text);
        }
    }
}
