package dev.etcdpoc.bench;

import io.etcd.jetcd.KV;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.util.concurrent.CompletableFuture;

/**
 * Sends benchmark request number {@code index} for chain {@code chain}, through that chain's client
 * ({@link BenchClients#get}); the future completes when etcd has answered it.
 */
interface Workload extends AutoCloseable {
    CompletableFuture<?> send(int chain, long index);

    @Override
    default void close() {
    }

    /**
     * The put, get and txn workloads (watch needs a watcher: {@link WatchWorkload}).
     *
     * @param readable get only: keys 0..readable-1 exist, and the gets cycle through them
     */
    static Workload of(BenchOp op, BenchClients clients, BenchKeys keys, boolean serializable, long readable) {
        KV[] kv = kvClients(clients);
        switch (op) {
            case PUT:
                return (chain, index) -> kv[chain % kv.length].put(keys.key(index), keys.value());
            case GET:
                GetOption read = GetOption.builder().withSerializable(serializable).build();
                return (chain, index) -> kv[chain % kv.length].get(keys.key(index % readable), read);
            case TXN:
                // version > -1 holds for every key, present or not: the txn always takes the put branch,
                // so it costs one compare plus one put, like a compare-and-swap that succeeds.
                return (chain, index) -> kv[chain % kv.length].txn()
                    .If(new Cmp(keys.key(index), Cmp.Op.GREATER, CmpTarget.version(-1)))
                    .Then(Op.put(keys.key(index), keys.value(), PutOption.DEFAULT))
                    .commit();
            default:
                throw new IllegalArgumentException(op + " is not a plain request; use WatchWorkload");
        }
    }

    /** Each client's KV, looked up once rather than on every request: chain i uses entry i mod N, as {@link BenchClients#get}. */
    static KV[] kvClients(BenchClients clients) {
        KV[] kv = new KV[clients.size()];
        for (int i = 0; i < kv.length; i++) {
            kv[i] = clients.get(i).getKVClient();
        }
        return kv;
    }
}
