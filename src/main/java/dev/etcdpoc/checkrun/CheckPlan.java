package dev.etcdpoc.checkrun;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What one run of the check does: how many members its cluster has, how long its clients work, how
 * many faults it injects meanwhile, whether their gets are serializable (the control), and what it saves.
 *
 * @param serializableReads the control: every get is served by the member it reaches, alone
 * @param historyOut        where to save what it recorded, as a history file; null for nowhere
 * @param report            where to write the timeline report; null for nowhere
 */
public record CheckPlan(int members, Duration duration, int faults, boolean serializableReads, Path historyOut, Path report) {
    public static final int DEFAULT_MEMBERS = 3;
    public static final Duration DEFAULT_DURATION = Duration.ofSeconds(20);
    public static final int MIN_MEMBERS = 3;
    public static final int MAX_MEMBERS = 7;
    /** Five faults of at least 2 s each: a member down for less is gone before anyone notices. */
    public static final Duration MIN_DURATION = Duration.ofSeconds(10);
    public static final Duration MAX_DURATION = Duration.ofMinutes(10);
    /** Every fault kind once (see {@link Fault}). */
    static final int MIN_FAULTS = 5;
    /** One fault per this much time beyond the first five: held half of it, the other half to recover. */
    private static final Duration PER_FAULT = Duration.ofSeconds(4);

    public CheckPlan {
        if (members < 1 || faults < 0 || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("a check needs members, a duration and no negative fault count");
        }
    }

    /** A plan that saves nothing. */
    public CheckPlan(int members, Duration duration, int faults, boolean serializableReads) {
        this(members, duration, faults, serializableReads, null, null);
    }

    /** The same plan, saving its history and report where given (null: not). */
    public CheckPlan saving(Path historyOut, Path report) {
        return new CheckPlan(members, duration, faults, serializableReads, historyOut, report);
    }

    /** The command line's plan: every fault kind at least once, one more per {@link #PER_FAULT} of a longer run. */
    public static CheckPlan of(int members, Duration duration, boolean serializableReads) {
        int faults = (int) Math.max(MIN_FAULTS, duration.toMillis() / PER_FAULT.toMillis());
        return new CheckPlan(members, duration, faults, serializableReads);
    }

    /** Each fault's share of the run: the fault is injected a quarter into it and ended at three quarters. */
    Duration slot() {
        return faults == 0 ? duration : duration.dividedBy(faults);
    }
}
