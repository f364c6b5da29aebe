package dev.etcdpoc.readme;

import static dev.etcdpoc.core.Bytes.bytes;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.concurrent.TimeUnit.SECONDS;

import dev.etcdpoc.connect.SameThreadExecutor;
import dev.etcdpoc.recipes.ConfigCache;
import dev.etcdpoc.recipes.FencedLock;
import dev.etcdpoc.recipes.KeptAliveLease;
import dev.etcdpoc.recipes.Stm;
import io.etcd.jetcd.Auth;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Election;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.auth.Permission;
import io.etcd.jetcd.election.CampaignResponse;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.lock.LockResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.OptionsUtil;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchResponse;
import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.SslContext;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import java.net.URI;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;

/**
 * The jetcd snippets of README.md and docs/, compiled: each region between "// SNIPPET" and "// END" is,
 * line for line, one ```java block of those files (DocsTest checks both ways). So a snippet a reader copies
 * compiles against the jetcd this project builds with, and cannot drift from it unnoticed.
 * Nothing here runs; the sections are the recipes that run.
 */
@SuppressWarnings({"unused", "ResultOfMethodCallIgnored"})
final class DocSnippets {
    private DocSnippets() {
    }

    static void fencedLock(Client client, Duration timeout, ByteSequence key, ByteSequence value) {
        // SNIPPET
        try (KeptAliveLease lease = KeptAliveLease.grant(client, "worker", 10, timeout);
             FencedLock lock = FencedLock.acquire(client, "jobs/lock", lease.id(), timeout)) {
            boolean written = lock.write(Op.put(key, value, PutOption.DEFAULT));   // false: the lock was lost meanwhile
        }
        // END
    }

    static void transfer(Client client, Duration timeout) {
        // SNIPPET
        Stm.run(client, timeout, 10, tx -> {
            int from = Integer.parseInt(tx.get("accounts/alice"));
            int to = Integer.parseInt(tx.get("accounts/bob"));
            tx.put("accounts/alice", String.valueOf(from - 30));
            tx.put("accounts/bob", String.valueOf(to + 30));
            return null;
        });
        // END
    }

    static void crud(Client client) throws Exception {
        // SNIPPET
        KV kv = client.getKVClient();
        kv.put(bytes("name"), bytes("Guilherme")).get(5, SECONDS);
        GetResponse r = kv.get(bytes("name")).get(5, SECONDS);   // r.getKvs() is empty when the key is missing
        kv.delete(bytes("name")).get(5, SECONDS);
        // END
    }

    static void watch(Client client, KV kv, BlockingQueue<WatchResponse> events) throws Exception {
        // SNIPPET
        long next = kv.get(bytes("dog")).get(5, SECONDS).getHeader().getRevision() + 1;
        Watch.Watcher w = client.getWatchClient().watch(bytes("dog"),
                WatchOption.builder().withRevision(next).build(), events::add);   // jetcd's thread: hand over, never block
        // END
    }

    static void txn(KV kv) {
        // SNIPPET
        kv.txn().Then(Op.put(bytes("animals/cow"), bytes("moo"), PutOption.DEFAULT),
                      Op.put(bytes("animals/chicken"), bytes("cluck"), PutOption.DEFAULT)).commit();
        // END
    }

    static void cas(KV kv, ByteSequence key, ByteSequence newValue) throws Exception {
        // SNIPPET
        KeyValue read = kv.get(key).get(5, SECONDS).getKvs().get(0);
        TxnResponse r = kv.txn()
            .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(read.getModRevision())))
            .Then(Op.put(key, newValue, PutOption.DEFAULT))
            .Else(Op.get(key, GetOption.DEFAULT))        // on a conflict: the current value, to retry from
            .commit().get(5, SECONDS);
        // r.isSucceeded() == false: someone wrote first; r.getGetResponses() holds what they wrote
        // END
    }

    static void lease(Client client, KV kv, Duration timeout) {
        // SNIPPET
        KeptAliveLease lease = KeptAliveLease.grant(client, "instance-1", 2, timeout);  // renews every TTL/3
        kv.put(bytes("demo/lease/services/instance-1"), bytes("127.0.0.1:8081"),
               PutOption.builder().withLeaseId(lease.id()).build());
        lease.requireHeld();                      // throws once etcd said the lease is gone (lease.lost() completes then)
        lease.stopKeepAlive();                    // stop renewing, as a crash would: one TTL later etcd deletes the key
        lease.revoke();                           // or shut down cleanly: the key goes at once
        // END
    }

    static void lock(Client client, KV kv, long lease, ByteSequence value) throws Exception {
        // SNIPPET
        LockResponse held = client.getLockClient().lock(bytes("demo/lock/mutex"), lease).get(5, SECONDS);  // blocks while another holds it
        long since = kv.get(held.getKey()).get(5, SECONDS).getKvs().get(0).getCreateRevision();
        kv.txn().If(new Cmp(held.getKey(), Cmp.Op.EQUAL, CmpTarget.createRevision(since)))   // still my lock?
                .Then(Op.put(bytes("demo/lock/resource"), value, PutOption.DEFAULT)).commit();
        client.getLockClient().unlock(held.getKey());
        // END
    }

    static void election(Client client, long lease, Election.Listener listener) throws Exception {
        // SNIPPET
        Election election = client.getElectionClient();
        CampaignResponse won = election.campaign(bytes("demo/election/leader"), lease, bytes("candidate-1")).get(5, SECONDS);
        election.observe(bytes("demo/election/leader"), listener);           // every change of leader
        String leader = election.leader(bytes("demo/election/leader")).get(5, SECONDS).getKv().getValue().toString(UTF_8);
        election.resign(won.getLeader());                                    // the next candidate's campaign() returns
        // END
    }

    static void history(Client client, KV kv, ByteSequence key, ByteSequence prefix, long oldRevision, long revision,
                        Watch.Listener listener) {
        // SNIPPET
        kv.get(key, GetOption.builder().withRevision(oldRevision).build());             // the value as it was then
        client.getWatchClient().watch(prefix,
            WatchOption.builder().isPrefix(true).withRevision(oldRevision).build(), listener);  // replays every change since
        kv.compact(revision);    // drops older history, cluster-wide: only with --compact-history or on a throwaway etcd
        // below it: a get fails with OUT_OF_RANGE "required revision has been compacted",
        // a watch fails with CompactedException (getCompactedRevision() = the oldest revision kept)
        // END
    }

    static void configCacheInside(Client client, KV kv, ByteSequence prefix) throws Exception {
        // SNIPPET
        GetResponse loaded = kv.get(prefix, GetOption.builder().isPrefix(true).build()).get(5, SECONDS);
        long applied = loaded.getHeader().getRevision();                  // the map is exactly etcd's at this revision
        client.getWatchClient().watch(prefix, WatchOption.builder().isPrefix(true)
                .withRevision(applied + 1)                                // nothing between the read and the watch is missed
                .withRequireLeader(true).build(),                         // a member without a leader fails the watch, not silence
            Watch.listener(response -> apply(response),                   // skip events at or below `applied`, then apply in order
                           failure -> rewatchFromApplied()));             // on CompactedException: re-load, then watch again
        // END
    }

    static void configCache(Client client, BlockingQueue<ConfigCache.Update> queue, long revisionOfMyWrite) throws Exception {
        // SNIPPET
        try (ConfigCache cache = ConfigCache.start(client, bytes("demo/config/"), Duration.ofSeconds(5), update -> queue.add(update))
                .get(10, SECONDS)) {                           // its load fails if etcd does not answer within 5 s
            String timeout = cache.snapshot().values().get("demo/config/timeout-ms");   // never blocks
            ConfigCache.Snapshot s = cache.snapshot();             // s.values() as of s.revision()
            cache.awaitCurrent(revisionOfMyWrite, Duration.ofSeconds(5));   // read-your-writes; TimeoutException if not
        }
        // END
    }

    static void createdKeys(KV kv, ByteSequence key, long createdAt) {
        // SNIPPET
        kv.txn().If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(createdAt)))   // still the key this run created?
                .Then(Op.delete(key, io.etcd.jetcd.options.DeleteOption.DEFAULT))      // then, and only then, delete it
                .commit();
        // END
    }

    static void auth(Client rootClient, String password) throws Exception {
        // SNIPPET
        Auth auth = rootClient.getAuthClient();
        auth.roleAdd(bytes("demo-auth-role")).get(5, SECONDS);
        auth.roleGrantPermission(bytes("demo-auth-role"), bytes("demo/auth/"),
                OptionsUtil.prefixEndOf(bytes("demo/auth/")), Permission.Type.READWRITE).get(5, SECONDS);
        auth.userAdd(bytes("demo-auth-user"), bytes(password)).get(5, SECONDS);
        auth.userGrantRole(bytes("demo-auth-user"), bytes("demo-auth-role")).get(5, SECONDS);
        // a client built with .user(bytes("demo-auth-user")).password(bytes(password)):
        // put/get under demo/auth/ succeed; anywhere else they fail with PERMISSION_DENIED
        // END
    }

    static void ackedWrite(KV kv, ByteSequence key, ByteSequence value) {
        // SNIPPET
        kv.txn().If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(0)))   // not written yet
                .Then(Op.put(key, value, PutOption.DEFAULT))
                .Else(Op.get(key, GetOption.DEFAULT))                      // an earlier try did land
                .commit();
        // END
    }

    static void resumingWatch(long lastRevision) {
        // SNIPPET
        WatchOption resume = WatchOption.builder().isPrefix(true).withRevision(lastRevision + 1).withRequireLeader(true).build();
        // END
    }

    static void tls(List<URI> uris, X509Certificate[] caCertificates, PrivateKey clientKey,
                    X509Certificate[] clientCertificateChain, String user, String password) throws Exception {
        // SNIPPET
        SslContext tls = GrpcSslContexts.forClient()
            .trustManager(caCertificates)                     // --cacert; without it, the JDK's CAs
            .keyManager(clientKey, clientCertificateChain)    // --cert and --key: mutual TLS
            .build();
        Client client = Client.builder()
            .endpoints(uris)                                  // and no .authority(...): see below
            .sslContext(tls)
            .user(bytes(user)).password(bytes(password))      // jetcd authenticates and renews the token itself
            .build();
        // END
    }

    static void tuned(List<URI> uris) {
        // SNIPPET
        Client client = Client.builder()
            .endpoints(uris)
            .executorService(new SameThreadExecutor())     // jetcd starts each call right here, not in its pool
            .vertx(Vertx.vertx(new VertxOptions()          // jetcd's Vert.x channel: ONE event loop does all I/O
                .setEventLoopPoolSize(1)
                .setPreferNativeTransport(true)            // Linux epoll (netty-transport-native-epoll)
                .setUseDaemonThread(true)
                .setFileSystemOptions(new FileSystemOptions()  // no vertx-cache-* folder left in the temp dir
                    .setClassPathResolvingEnabled(false).setFileCachingEnabled(false))))
            .build();                                      // plus the safe set-up's deadlines, retries and TLS
        // END
    }

    private static void apply(WatchResponse response) {
    }

    private static void rewatchFromApplied() {
    }
}
