package dev.etcdpoc.versus;

import dev.etcdpoc.checkrun.RecordingClient;

/**
 * A register client on etcd ({@link RegisterClient}): the check's own recording client, whose calls go to
 * the check's history in the checker's types (a compare-and-set is a txn on the key's mod revision).
 */
final class EtcdRegisters implements RegisterClient {
    private final RecordingClient client;

    EtcdRegisters(RecordingClient client) {
        this.client = client;
    }

    @Override
    public void get(String key) {
        client.get(key);
    }

    @Override
    public void set(String key) {
        client.put(key);
    }

    @Override
    public void compareAndSet(String key) {
        client.compareAndSwap(key);
    }

    @Override
    public void delete(String key) {
        client.delete(key);
    }
}
