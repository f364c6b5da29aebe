package dev.etcdpoc.support;

import dev.etcdpoc.local.LocalEtcd;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fresh throwaway 3-member cluster for each test, whose members the test may freeze (SIGSTOP:
 * connections stay open, nothing answers, as in a long GC pause or on a stuck disk). After each
 * test every frozen member is thawed and the cluster stopped, by PID.
 */
public final class FreezableCluster implements BeforeEachCallback, AfterEachCallback {
    private LocalEtcd cluster;
    private long frozen = -1;

    @Override
    public void beforeEach(ExtensionContext context) {
        cluster = LocalEtcd.start(3);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (cluster == null) {
            return;   // it did not start: the test failed with why
        }
        try {
            thaw();
        } finally {
            cluster.close();
        }
    }

    public LocalEtcd members() {
        return cluster;
    }

    /** Freezes member {@code index}; one at a time. */
    public void freeze(int index) {
        thaw();
        frozen = cluster.pid(index);
        Signals.send(frozen, "STOP");
    }

    /** Lets the frozen member, if any, run again. */
    public void thaw() {
        if (frozen > 0) {
            Signals.send(frozen, "CONT");
            frozen = -1;
        }
    }
}
