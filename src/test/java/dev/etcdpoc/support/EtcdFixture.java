package dev.etcdpoc.support;

import dev.etcdpoc.core.Endpoints;

/** A running etcd for tests, however it was obtained. */
public interface EtcdFixture extends AutoCloseable {
    Endpoints endpoints();

    /** Where it came from, for messages: "process", "container" or "external". */
    String backend();

    @Override
    void close();
}
