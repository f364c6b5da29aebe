package dev.etcdpoc.sections.support;

import dev.etcdpoc.core.DemoFailure;
import dev.etcdpoc.core.Failures;
import io.etcd.jetcd.common.exception.CompactedException;
import java.util.Optional;

/**
 * A read or a watch refused because the revision it asked for is compacted. A section compacts only an etcd
 * this run started or whose user allowed it, and then expects the refusal; anywhere else another client
 * compacted the history from under the run, and its changes before that point are gone for every client.
 */
public final class CompactedHistory {
    private CompactedHistory() {
    }

    /**
     * The one line for {@code refusal}: what was asked, the revision it needed, how far the history is compacted
     * (a watch's refusal says; a read's does not), and what to do. The refusal stays the cause, so that
     * {@link Failures#isCompacted} still tells a section that expected it.
     */
    public static DemoFailure failure(String what, long needed, DemoFailure refusal) {
        Optional<Long> compacted = Failures.find(refusal, CompactedException.class).map(CompactedException::getCompactedRevision);
        return new DemoFailure(what + ": revision " + needed + " is compacted" + compacted.map(c -> " (etcd keeps history from revision "
            + c + " on)").orElse("") + ": another client compacted this etcd during the run (the run compacts only a throwaway "
            + "etcd, or with --compact-history), and the changes before that point are gone for every client. Run again when "
            + "nothing compacts this etcd so often", refusal);
    }
}
