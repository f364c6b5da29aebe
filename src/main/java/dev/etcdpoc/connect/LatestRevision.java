package dev.etcdpoc.connect;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The newest revision any client of one run has seen etcd answer with: what a write whose outcome is
 * unknown is settled against (see {@link WriteCheck}). Shared by every client a run builds for the same
 * etcd, so that a client new to it (the config section's second client, say) knows what the others saw;
 * never shared between two etcds, whose revisions are unrelated.
 */
public final class LatestRevision {
    private final AtomicLong revision = new AtomicLong();

    long get() {
        return revision.get();
    }

    void saw(long answered) {
        revision.accumulateAndGet(answered, Math::max);
    }
}
