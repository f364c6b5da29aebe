package dev.etcdpoc.support;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Hands tests an {@link EtcdFixture} (one single-member etcd, busy with other clients' traffic) or
 * {@link SecureEtcds} (auth, TLS and mutual-TLS etcds): one of each for the whole run, started on first
 * use and stopped when the run ends (JUnit closes what the root store holds).
 */
public final class EtcdExtension implements ParameterResolver {
    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == EtcdFixture.class || type == SecureEtcds.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        ExtensionContext.Store store = context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL);
        if (parameter.getParameter().getType() == SecureEtcds.class) {
            return store.getOrComputeIfAbsent(SecureEtcds.class, key -> new SecureEtcds(), SecureEtcds.class);
        }
        return store.getOrComputeIfAbsent(SharedEtcd.class, key -> new SharedEtcd(EtcdBackends.start()), SharedEtcd.class)
            .fixture;
    }

    /**
     * Stored in the root context so JUnit stops etcd once, after the last test class. Other clients
     * write, lease and lock on it the whole time ({@link ForeignTraffic}): every test that uses it
     * runs as on a shared etcd.
     */
    private static final class SharedEtcd implements AutoCloseable {
        final EtcdFixture fixture;
        final ForeignTraffic traffic;

        SharedEtcd(EtcdFixture fixture) {
            this.fixture = fixture;
            this.traffic = ForeignTraffic.start(fixture.endpoints());
        }

        @Override
        public void close() {
            try {
                traffic.close();
            } finally {
                fixture.close();
            }
        }
    }
}
