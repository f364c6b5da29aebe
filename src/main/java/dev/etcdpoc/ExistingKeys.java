package dev.etcdpoc;

import static dev.etcdpoc.core.Bytes.bytes;
import static dev.etcdpoc.core.Bytes.text;

import dev.etcdpoc.core.Await;
import dev.etcdpoc.core.DemoFailure;
import dev.etcdpoc.core.Quoting;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Txn;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The user's data wins: before a run writes anything, it looks for existing keys among those its
 * sections write. Any it finds belong to someone else, and the run refuses to start rather than
 * overwrite or delete them. One txn reads them all at one revision, in one round trip.
 */
final class ExistingKeys {
    /** How many of the keys found are named in the message. */
    private static final int NAMED = 3;

    private ExistingKeys() {
    }

    /**
     * @param keys      what the sections write; a name ending in "/" stands for every key under it
     * @param namespace the --namespace prefix the client adds to every key ("" for none), for the etcdctl advice
     * @throws DemoFailure naming what was found and how to run anyway
     */
    static void refuseIfAny(Client client, List<String> keys, String namespace, Duration timeout) {
        if (keys.isEmpty()) {
            return;
        }
        Txn txn = client.getKVClient().txn();
        for (String key : keys) {
            GetOption.Builder option = GetOption.builder().withKeysOnly(true).withLimit(NAMED);
            txn.Then(Op.get(bytes(key), (key.endsWith("/") ? option.isPrefix(true) : option).build()));
        }
        List<GetResponse> found = Await.result(txn.commit(), timeout, "GET the keys the demo writes").getGetResponses();
        long count = found.stream().mapToLong(GetResponse::getCount).sum();
        if (count == 0) {
            return;
        }
        List<String> names = found.stream().flatMap(r -> r.getKvs().stream()).map(kv -> Quoting.shown(text(kv.getKey())))
            .limit(NAMED).collect(Collectors.toList());
        List<String> removals = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            if (found.get(i).getCount() > 0) {
                String key = keys.get(i);
                removals.add("etcdctl del " + (key.endsWith("/") ? "--prefix " : "") + Quoting.shellWord(namespace + key));
            }
        }
        throw new DemoFailure("found " + count + (count == 1 ? " key" : " keys") + " that this demo would overwrite or delete ("
            + String.join(", ", names) + (count > names.size() ? ", ..." : "") + "); they are not the demo's, so it leaves "
            + "them alone. Run it under a prefix of its own with --namespace tmp/poc/, or, if they are yours to lose, remove them: "
            + String.join("; ", removals));
    }
}
