package dev.etcdpoc.checkrun;

import dev.etcdpoc.check.Operation;
import dev.etcdpoc.connect.ClientFactory;
import dev.etcdpoc.core.DemoFailure;
import dev.etcdpoc.core.Endpoints;
import dev.etcdpoc.local.LocalEtcd;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * The control's stale read, made certain rather than hoped for. A serializable get is answered by the
 * member it reaches from its own copy, without asking the leader whether that copy is current. So:
 * once a member is cut off from its peers, a new value is written to {@link #KEY} through the other
 * members (the majority, which commits it without the cut-off one), and only after that write is
 * acknowledged does a client pinned to the cut-off member read the key serializably. The member cannot
 * have the new value — nothing from its peers reaches it — so it answers with an older one (or none),
 * after a write that completed before the read began: no order of the calls explains that.
 */
public final class StaleRead {
    public static final String KEY = CheckRun.PREFIX + "stale";
    /** Tries for a write or read that meets a passing failure (a member not yet reconnected, say). */
    private static final int TRIES = 5;

    /** The write the majority acknowledged after the cut, and the read at the cut-off member after it. */
    public record Made(Operation write, Operation read, String member) {
    }

    private final ClientFactory clients;
    private final History history;
    private final int firstClientId;

    /** @param firstClientId the first of the three client numbers it records its calls under */
    StaleRead(ClientFactory clients, History history, int firstClientId) {
        this.clients = clients;
        this.history = history;
        this.firstClientId = firstClientId;
    }

    /** Before any cut: the key's first value, through the whole cluster. */
    void prepare(KV kv) {
        RecordingClient writer = new RecordingClient(firstClientId, kv, history, clients.timeout(), false);
        untilAnswered(() -> writer.put(KEY), "PUT " + KEY);
    }

    /** With member {@code cutOff} cut off from its peers: a write the others acknowledge, then the read at it. */
    Made make(LocalEtcd cluster, int cutOff) {
        Endpoints others = new Endpoints(IntStream.range(0, cluster.size()).filter(i -> i != cutOff)
            .boxed().flatMap(i -> cluster.endpoint(i).uris().stream()).toList());
        try (Client majority = clients.create(others); Client pinned = clients.create(cluster.endpoint(cutOff))) {
            RecordingClient writer = new RecordingClient(firstClientId + 1, majority.getKVClient(), history, clients.timeout(), false);
            RecordingClient reader = new RecordingClient(firstClientId + 2, pinned.getKVClient(), history, clients.timeout(), true);
            Operation write = untilAnswered(() -> writer.put(KEY), "PUT " + KEY + " through the majority");
            Operation read = untilAnswered(() -> reader.get(KEY), "serializable GET " + KEY + " at " + cluster.name(cutOff));
            return new Made(write, read, cluster.name(cutOff));
        }
    }

    /** The first call that was answered; a write without an answer is recorded as unknown and tried again with a new value. */
    private static Operation untilAnswered(Supplier<Operation> call, String what) {
        for (int i = 0; i < TRIES; i++) {
            Operation op = call.get();
            if (op.outcome() == Operation.Outcome.OK) {
                return op;
            }
        }
        throw new DemoFailure(what + " got no answer in " + TRIES + " tries");
    }
}
