package dev.etcdpoc.versus;

import static dev.etcdpoc.core.Bytes.bytes;
import static dev.etcdpoc.core.Bytes.text;

import dev.etcdpoc.check.Model;
import dev.etcdpoc.check.Operation;
import dev.etcdpoc.check.Request;
import dev.etcdpoc.check.Response;
import dev.etcdpoc.checkrun.History;
import dev.etcdpoc.checkrun.RecordingClient;
import dev.etcdpoc.connect.ClientFactory;
import dev.etcdpoc.core.Await;
import dev.etcdpoc.core.DemoFailure;
import dev.etcdpoc.core.Poll;
import dev.etcdpoc.local.Breakable;
import dev.etcdpoc.local.LocalEtcd;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * etcd as the versus run uses it: a 3-member cluster of its own ({@link LocalEtcd}, with proxies that can
 * cut a member off), one jetcd client to all members, each request one attempt with a deadline, its calls
 * recorded as the check records them.
 */
final class EtcdContender implements Contender {
    static final int MEMBERS = 3;

    private final LocalEtcd cluster;
    private final Client client;
    private final History history = new History();
    private final Map<String, RegisterCall> finalReads = new HashMap<>();

    /** @param clients how to build clients (deadlines); the cluster is this run's, so none of the user's TLS or credentials apply */
    EtcdContender(ClientFactory clients) {
        cluster = LocalEtcd.start(MEMBERS, LocalEtcd.Setup.PLAIN.partitionable());
        try {
            client = clients.forOwnCluster().withTimeout(VersusRun.DEADLINE).withOneAttemptPerRequest().create(cluster.endpoints());
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    @Override
    public String label() {
        return "etcd";
    }

    @Override
    public String title() {
        return "etcd " + cluster.version() + ": " + MEMBERS + " members " + IntStream.range(0, MEMBERS).mapToObj(cluster::name)
            .collect(Collectors.joining(", ", "(", ")"));
    }

    @Override
    public List<String> settings() {
        return List.of("heartbeat-interval " + LocalEtcd.HEARTBEAT_MS + " ms, election-timeout " + LocalEtcd.ELECTION_MS
                + " ms: a follower that hears nothing from the leader for a second starts an election",
            "a write is answered once a majority of the members has it; a get is linearizable (the leader confirms it still leads)",
            "clients: jetcd to all three members, one attempt per request, " + VersusRun.DEADLINE.toMillis() + " ms deadline");
    }

    @Override
    public Breakable cluster() {
        return cluster;
    }

    @Override
    public String leaderWord() {
        return "leader";
    }

    @Override
    public String followerWord() {
        return "follower";
    }

    @Override
    public int size() {
        return MEMBERS;
    }

    @Override
    public String name(int member) {
        return cluster.name(member);
    }

    @Override
    public int leader() {
        return cluster.awaitLeader(VersusRun.BOUND);
    }

    @Override
    public int awaitNewLeader(int old) {
        return Poll.until(VersusRun.BOUND, "a leader other than " + cluster.name(old), () -> {
            var now = cluster.leaderWithout(old);
            return now.isPresent() && now.getAsInt() != old ? Optional.of(now.getAsInt()) : Optional.empty();
        });
    }

    @Override
    public void awaitWhole() {
        cluster.awaitHealthy(VersusRun.BOUND);
    }

    @Override
    public RegisterClient client(int id) {
        return new EtcdRegisters(new RecordingClient(id, client.getKVClient(), history, VersusRun.DEADLINE, false));
    }

    @Override
    public LockWorker worker(int id, LockLog log) {
        return new EtcdLockWorker(id, client, VersusRun.DEADLINE, log);
    }

    /** One linearizable read of everything under the prefix, recorded as a get of each key at its instant. */
    @Override
    public void readFinalState(Collection<String> keys) {
        GetOption prefix = GetOption.builder().isPrefix(true).build();
        long[] invoked = new long[1];
        GetResponse all = Poll.until(VersusRun.BOUND, "a read of " + VersusRun.PREFIX + " after the faults", () -> {
            invoked[0] = System.nanoTime();
            try {
                return Optional.of(Await.result(client.getKVClient().get(bytes(VersusRun.PREFIX), prefix), VersusRun.DEADLINE,
                    "GET " + VersusRun.PREFIX));
            } catch (DemoFailure notYet) {
                return Optional.empty();
            }
        });
        long completed = System.nanoTime();
        long revision = all.getHeader().getRevision();
        Map<String, KeyValue> found = all.getKvs().stream().collect(Collectors.toMap(kv -> text(kv.getKey()), kv -> kv));
        for (String key : keys) {
            KeyValue kv = found.get(key);
            Operation read = new Operation(VersusRun.FINAL_READER, invoked[0], completed, new Request.Get(key),
                kv == null ? Response.Read.absent(revision) : new Response.Read(text(kv.getValue()), kv.getModRevision(), revision));
            history.add(read);
            finalReads.put(key, RegisterCall.of(read));
        }
    }

    @Override
    public List<RegisterCall> calls() {
        return history.operations().stream().map(RegisterCall::of).toList();
    }

    @Override
    public Map<String, RegisterCall> finalReads() {
        return Map.copyOf(finalReads);
    }

    @Override
    public List<Operation> operations() {
        return history.operations();
    }

    @Override
    public Model model() {
        return Model.ETCD;
    }

    @Override
    public void close() {
        try {
            client.close();
        } finally {
            cluster.close();
        }
    }
}
