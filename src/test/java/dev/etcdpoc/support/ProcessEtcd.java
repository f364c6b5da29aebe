package dev.etcdpoc.support;

import dev.etcdpoc.core.Endpoints;
import dev.etcdpoc.local.LocalEtcd;

/** etcd as a local process, started by the same launcher the demo's embedded default uses. */
final class ProcessEtcd implements EtcdFixture {
    private final LocalEtcd etcd = LocalEtcd.start(1);

    @Override
    public Endpoints endpoints() {
        return etcd.endpoints();
    }

    @Override
    public String backend() {
        return "process (etcd " + etcd.version() + ")";
    }

    @Override
    public void close() {
        etcd.close();
    }
}
