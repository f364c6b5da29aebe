package dev.etcdpoc.support;

import dev.etcdpoc.local.LocalEtcd;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A throwaway 3-member cluster for one test class, whose tests may kill and restart its members:
 * {@code @RegisterExtension static final ThrowawayCluster CLUSTER = new ThrowawayCluster();}
 * starts it before the first test and stops it, by PID, after the last.
 */
public final class ThrowawayCluster implements BeforeAllCallback, AfterAllCallback {
    private LocalEtcd cluster;

    @Override
    public void beforeAll(ExtensionContext context) {
        cluster = LocalEtcd.start(3);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (cluster != null) {
            cluster.close();
        }
    }

    public LocalEtcd members() {
        return cluster;
    }
}
