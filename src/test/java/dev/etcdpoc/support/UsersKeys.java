package dev.etcdpoc.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdpoc.core.Endpoints;
import java.util.List;

/**
 * Someone else's keys on the etcd a test points the demo at: each written twice (so it has a
 * history), the whole etcd dumped, and on close deleted again. {@link #assertUntouched()} is the
 * shared-etcd rule: every key, value and revision as it was.
 */
public final class UsersKeys implements AutoCloseable {
    private final Etcd etcd;
    private final String[] keys;
    private final List<String> before;

    private UsersKeys(Etcd etcd, String[] keys) {
        this.etcd = etcd;
        this.keys = keys;
        for (String key : keys) {
            etcd.put(key, "v1");
            etcd.put(key, "v2");
        }
        this.before = etcd.dump();
    }

    /** Writes {@code keys} (none: only takes the dump) on the etcd at {@code endpoints}. */
    public static UsersKeys put(Endpoints endpoints, String... keys) {
        return new UsersKeys(new Etcd(endpoints), keys);
    }

    /** A client of the user's, for anything else the test wants to look at or hold. */
    public Etcd etcd() {
        return etcd;
    }

    /** Every key, value and revision as before; the background traffic's keys its own, if traffic runs there. */
    public void assertUntouched() {
        assertThat(etcd.dump()).as("every key, value and revision after the run").isEqualTo(before);
        ForeignTraffic.on(etcd.endpoints()).ifPresent(traffic -> traffic.assertIntact(etcd));
    }

    @Override
    public void close() {
        try {
            etcd.delete(keys);
        } finally {
            etcd.close();
        }
    }
}
