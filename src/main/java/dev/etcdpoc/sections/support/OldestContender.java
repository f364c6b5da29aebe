package dev.etcdpoc.sections.support;

import static dev.etcdpoc.core.Bytes.bytes;
import static dev.etcdpoc.core.Bytes.text;

import dev.etcdpoc.core.Await;
import dev.etcdpoc.core.DemoFailure;
import dev.etcdpoc.core.Durations;
import dev.etcdpoc.core.Failures;
import dev.etcdpoc.core.Quoting;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The oldest contender for a lock or an election: who holds it, or leads. etcd's lock and election
 * both queue each contender's key under "NAME/", on the contender's lease, and the oldest key (lowest
 * create revision) holds it: that key and its lease tell a user which client to look for.
 */
public record OldestContender(String key, long lease, long createRevision) {

    /** The oldest contender for {@code name}, if any. */
    public static Optional<OldestContender> of(Client client, String name, Duration timeout) {
        GetOption oldestFirst = GetOption.builder().isPrefix(true).withKeysOnly(true).withLimit(1)
            .withSortField(GetOption.SortTarget.CREATE).withSortOrder(GetOption.SortOrder.ASCEND).build();
        List<KeyValue> kvs = Await.result(client.getKVClient().get(bytes(name + "/"), oldestFirst), timeout, "GET " + name + "/")
            .getKvs();
        return kvs.stream().findFirst().map(kv -> new OldestContender(text(kv.getKey()), kv.getLease(), kv.getCreateRevision()));
    }

    /** The oldest contender for {@code name} that is not the one on {@code ownLease}: another client, if any. */
    public static Optional<OldestContender> other(Client client, String name, long ownLease, Duration timeout) {
        return of(client, name, timeout).filter(h -> h.lease() != ownLease);
    }

    /**
     * True when the key has no lease. etcd's lock and election put every contender's key on the contender's
     * lease, so such a key is no live client's: it was put by hand, and it never goes away by itself.
     */
    public boolean leaseless() {
        return lease == 0;
    }

    /**
     * The failure for a {@link #leaseless} contender, said at once (waiting cannot help): what it is, and the
     * command that deletes it, with the client's {@code namespace} in front of the key as etcd stores it.
     *
     * @param held how to say it is taken, e.g. "is held" or "has a leader"
     */
    public DemoFailure leaselessFailure(String name, String held, String namespace) {
        return new DemoFailure(name + " " + held + " by a key without a lease: " + this + ". No client keeps it, so it "
            + "never goes away (etcd's lock and election put every contender's key on a lease: was it put by hand?). "
            + "If it is nobody's, delete it: etcdctl del " + Quoting.shellWord(namespace + key));
    }

    /**
     * Why a wait for {@code name} ended without it: another client's key ahead of ours (named, so the
     * user can find that client), or else {@code waited} itself. A held lock is not a dead etcd, and
     * the line must not say so.
     *
     * @param ownLease the lease of the key we queued, which is not "another client"
     * @param held     how to say it is taken, e.g. "is held" or "has a leader"
     */
    public static RuntimeException explain(RuntimeException waited, Client client, String name, long ownLease, String held,
                                           String namespace, Duration timeout) {
        if (!Failures.isNoAnswer(waited)) {
            return waited;
        }
        Optional<OldestContender> other = other(client, name, ownLease, timeout);
        if (other.isEmpty()) {
            return waited;
        }
        if (other.get().leaseless()) {
            return other.get().leaselessFailure(name, held, namespace);
        }
        return new DemoFailure(name + " " + held + " by another client: its " + other.get() + "; waited "
            + Durations.format(timeout.multipliedBy(Await.ATTEMPT_DEADLINES_PER_REQUEST)) + ". Wait until it lets go, or run with --namespace PREFIX to use a name of your own");
    }

    /** As etcdctl shows them: the key, its lease in hex, the revision that created it. */
    @Override
    public String toString() {
        return "key " + key + " (lease " + Long.toHexString(lease) + ", created at revision " + createRevision + ")";
    }
}
