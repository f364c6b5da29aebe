package dev.etcdpoc;

import static dev.etcdpoc.core.Bytes.bytes;
import static dev.etcdpoc.support.Assertions.assertOneLineFailure;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.etcdpoc.core.Poll;
import dev.etcdpoc.local.LocalEtcd;
import dev.etcdpoc.support.Etcd;
import dev.etcdpoc.support.EtcdExtension;
import dev.etcdpoc.support.EtcdFixture;
import dev.etcdpoc.support.LoopbackPort;
import dev.etcdpoc.support.PauseAtLine;
import dev.etcdpoc.support.PocJar;
import dev.etcdpoc.support.PocLaunch;
import dev.etcdpoc.support.PocOutput;
import dev.etcdpoc.support.PocRun;
import dev.etcdpoc.support.SecureEtcds;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every bad input of docs/bad-input.md's table, in its order, each against a real etcd set up to provoke it:
 * one line on stderr that names what was wrong and what to do, the documented exit code (2 usage,
 * 1 connection, auth or runtime), no stack trace, and no hang. The bounds are generous (the
 * machine is small and shared); the demo's own deadline is 5 s, or 2 s where a row says so.
 */
@ExtendWith(EtcdExtension.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class EveryBadInputTest {
    private static final Duration QUICK = Duration.ofSeconds(15);
    private static final Duration DEADLINE_PLUS = Duration.ofSeconds(20);
    private static final Duration FILL_LIMIT = Duration.ofSeconds(60);
    /** The port of the row "closed port", held for the class: its URL is one of the row's key words. */
    private static final LoopbackPort CLOSED = LoopbackPort.refusing();

    /** The etcds a row may use, a plain one (auth disabled) and the secured ones, and how the row starts the demo. */
    record Etcds(EtcdFixture plain, SecureEtcds secure, PocLaunch poc) {
        String ca() {
            return secure.pki().ca.toString();
        }
    }

    /** One row: how to provoke it, and what the one line must say. */
    record BadInput(String name, Function<Etcds, PocRun> run, int exitCode, Duration within, String... keyWords) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<BadInput> badInputs() {
        String closed = CLOSED.url();
        return Stream.of(
            new BadInput("malformed endpoint URL", e -> e.poc().run("--endpoints", "127.0.0.1:2379"),
                2, QUICK, "endpoint '127.0.0.1:2379' is not a URL", "http://127.0.0.1:2379"),
            new BadInput("unsupported scheme", e -> e.poc().run("--endpoints", "ftp://127.0.0.1:2379"),
                2, QUICK, "scheme 'ftp'", "http:// or https://"),
            new BadInput("unknown host", e -> e.poc().run("--endpoints", "http://no-such-host.invalid:2379"),
                1, QUICK, "unknown host 'no-such-host.invalid'", "--endpoints"),
            new BadInput("closed port", e -> e.poc().run("--endpoints", closed),
                1, QUICK, closed, "connection refused", "docker compose up -d"),
            new BadInput("a port that accepts TCP but never answers", e -> {
                try (LoopbackPort silent = LoopbackPort.silent()) {
                    return e.poc().run("--endpoints", silent.url(), "--timeout", "2s");
                }
            }, 1, DEADLINE_PLUS, "no answer", "2s", "accepts connections but does not answer"),
            new BadInput("wrong password", e -> e.poc().run(Map.of("ETCD_PASSWORD", "not-the-password"),
                "-e", e.secure().auth().toString(), "--user", "root"),
                1, QUICK, "authentication failed: wrong user or password"),
            new BadInput("unknown user", e -> e.poc().run(Map.of("ETCD_PASSWORD", SecureEtcds.ROOT_PASSWORD),
                "-e", e.secure().auth().toString(), "--user", "nobody"),
                1, QUICK, "authenticate as nobody", "authentication failed: wrong user or password"),
            // Not a failure: etcd accepts the requests, so the demo says so and goes on (exit 0, full output).
            new BadInput("credentials sent to a server with auth disabled", e -> e.poc().run(Map.of("ETCD_PASSWORD", "whatever"),
                "-e", e.plain().endpoints().toString(), "--user", "root"),
                0, QUICK, "has authentication disabled", "--user root is not needed", "going on without credentials"),
            new BadInput("auth required but no credentials", e -> e.poc().run("-e", e.secure().auth().toString()),
                1, QUICK, "etcd requires authentication: give --user and --password"),
            new BadInput("plain http to a TLS server", e -> e.poc().run("-e", e.secure().tls().toString().replace("https:", "http:")),
                1, QUICK, "plain http to a TLS etcd: use https:// and --cacert"),
            new BadInput("https to a plain server", e -> e.poc().run("-e", e.plain().endpoints().toString().replace("http:", "https:"),
                "--cacert", e.ca()),
                1, QUICK, "https to a plain-http etcd: use http:// or enable TLS on etcd"),
            // etcd 3.4 sometimes resets the connection on the TLS hello instead of closing it: the same cause.
            new BadInput("https to a server that resets the TLS hello", EveryBadInputTest::aServerResettingTheTlsHello,
                1, QUICK, "https to a plain-http etcd: use http:// or enable TLS on etcd"),
            new BadInput("--cacert file missing", e -> e.poc().run("-e", e.secure().tls().toString(), "--cacert", "/nonexistent/ca.pem"),
                2, QUICK, "--cacert file '/nonexistent/ca.pem' does not exist"),
            new BadInput("--cacert not a certificate", e -> e.poc().run("-e", e.secure().tls().toString(),
                "--cacert", e.secure().pki().notACertificate.toString()),
                2, QUICK, "--cacert file", "is not a PEM certificate"),
            new BadInput("server certificate not signed by the given CA", e -> e.poc().run("-e", e.secure().tls().toString(),
                "--cacert", e.secure().pki().otherCa.toString()),
                1, QUICK, "server certificate not trusted", "--cacert"),
            // The certificate is signed by the CA given, so only its names (10.255.255.1, etcd.example.invalid) are wrong.
            new BadInput("hostname mismatch", e -> e.poc().run("-e", e.secure().wrongSan().toString(), "--cacert", e.ca()),
                1, QUICK, "server certificate does not match host 127.0.0.1"),
            new BadInput("mutual TLS required but no client certificate", e -> e.poc().run("-e", e.secure().mtls().toString(),
                "--cacert", e.ca()),
                1, QUICK, "etcd requires a client certificate", "give --cert and --key"),
            new BadInput("--cert without --key", e -> e.poc().run("-e", e.secure().mtls().toString(), "--cacert", e.ca(),
                "--cert", e.secure().pki().clientCert.toString()),
                2, QUICK, "--cert needs --key"),
            new BadInput("unknown option", e -> e.poc().run("--bogus"),
                2, QUICK, "Unknown option: '--bogus'"),
            new BadInput("unknown section", e -> e.poc().run("nosuch"),
                2, QUICK, "unknown section 'nosuch'; valid sections: crud, watch, txn, cas, lease, lock, election, history, config, stm, auth, failover, check, versus, all"),
            new BadInput("non-positive timeout", e -> e.poc().run("--timeout", "0"),
                2, QUICK, "'0' must be greater than zero"),
            new BadInput("timeout below 10ms", e -> e.poc().run("--timeout", "1ms"),
                2, QUICK, "'1ms' is outside 10ms..1h"),
            new BadInput("timeout above 1h", e -> e.poc().run("--timeout", "99999999999d"),
                2, QUICK, "'99999999999d' is outside 10ms..1h"),
            new BadInput("endpoint port outside 1..65535", e -> e.poc().run("--endpoints", "http://127.0.0.1:99999"),
                2, QUICK, "has port 99999, outside 1..65535"),
            new BadInput("bench --val-size over etcd's request limit", e -> e.poc().run("bench", "-e", e.plain().endpoints().toString(),
                "--val-size", "2097152"),
                2, QUICK, "--val-size 2097152 is over etcd's request limit", "--max-request-bytes"),
            new BadInput("bench --client-threads not a count of 1 or more", e -> e.poc().run("bench", "-e", e.plain().endpoints().toString(),
                "--client-threads", "0"),
                2, QUICK, "'0' is not a thread count; write a number of 1 or more, or auto"),
            new BadInput("bench --client-threads with the safe client", e -> e.poc().run("bench", "-e", e.plain().endpoints().toString(),
                "--client", "safe", "--client-threads", "4"),
                2, QUICK, "--client-threads applies to --client tuned only"),
            new BadInput("etcd killed in the middle of a run", EveryBadInputTest::killEtcdAfterTheTxn,
                1, QUICK, "etcd at http://127.0.0.1:", "Is etcd running there?"),
            new BadInput("a running member without quorum, the only endpoint", EveryBadInputTest::aMemberWithoutQuorum,
                1, DEADLINE_PLUS, "etcd has no quorum", "answers but has no leader", "endpoint status --cluster"),
            // A fresh JVM: in this warm one a healthy etcd may well answer within 10 ms.
            new BadInput("a deadline too short for a healthy etcd", e -> e.poc().fresh(List.of(), Map.of(),
                "-e", e.plain().endpoints().toString(), "--timeout", "10ms"),
                1, QUICK, "etcd is healthy", "a deadline of 10ms is too short for it", "--timeout"),
            new BadInput("etcd out of space (NOSPACE alarm)", EveryBadInputTest::anEtcdOutOfSpace,
                1, QUICK, "NOSPACE alarm", "etcdctl compact", "etcdctl defrag", "etcdctl alarm disarm"),
            new BadInput("an HTTP server that is not etcd", EveryBadInputTest::aPlainHttpServer,
                1, QUICK, "not an etcd gRPC server", "plain HTTP/1", "--endpoints"),
            new BadInput("a missing temp dir for the throwaway etcd", e -> e.poc().fresh(List.of("-Djava.io.tmpdir=/nonexistent"),
                Map.of(), "--local-cluster", "1"),
                1, QUICK, "temp dir '/nonexistent': it does not exist", "-Djava.io.tmpdir"),
            new BadInput("an etcd binary that never becomes healthy", EveryBadInputTest::aFakeEtcd,
                1, DEADLINE_PLUS, "did not become healthy within 10s", "its last log line: fake etcd: never healthy"),
            new BadInput("a throwaway etcd whose temp dir is full (a 20 MB tmpfs)", EveryBadInputTest::aFullTempDir,
                1, QUICK, "etcd member m0", "exited; its log says: ", "no space left on device"),
            new BadInput("keys the run would write exist", e -> inANamespace(e, (ns, etcd) -> {
                etcd.put(ns + "name", "theirs");
                etcd.put(ns + "animals/x", "theirs");
                return e.poc().run("-e", e.plain().endpoints().toString(), "--namespace", ns);
            }), 1, QUICK, "found 2 keys that this demo would overwrite or delete (name, animals/x)", "they are not the demo's",
                "--namespace", "etcdctl del "),
            new BadInput("another client holds demo/lock/mutex", e -> inANamespace(e, (ns, etcd) -> onALease(etcd, lease -> {
                etcd.await(etcd.client().getLockClient().lock(bytes(ns + "demo/lock/mutex"), lease));
                return e.poc().run("-e", e.plain().endpoints().toString(), "--namespace", ns, "--timeout", "2s", "lock");
            })), 1, DEADLINE_PLUS, "demo/lock/mutex is held by another client", "waited 4s", "--namespace PREFIX"),
            new BadInput("another client leads demo/election/leader", e -> inANamespace(e, (ns, etcd) -> onALease(etcd, lease -> {
                etcd.await(etcd.client().getElectionClient().campaign(bytes(ns + "demo/election/leader"), lease, bytes("other")));
                return e.poc().run("-e", e.plain().endpoints().toString(), "--namespace", ns, "--timeout", "2s", "election");
            })), 1, DEADLINE_PLUS, "demo/election/leader is led by another client", "waited 4s"),
            // While the lease section waits (seconds) for instance-1's lease to expire, a key appears among the instances.
            new BadInput("another client changes the demo's keys during the run", e -> inANamespace(e, (ns, etcd) ->
                e.poc().actingAt("instance-1 stops renewing its lease (TTL 2s), as if it crashed",
                    () -> etcd.put(ns + "demo/lease/services/instance-9", "127.0.0.1:8089"),
                    "-e", e.plain().endpoints().toString(), "--namespace", ns, "lease")),
                1, QUICK, "expected demo/lease/services/instance-1 to be deleted, the watch saw demo/lease/services/instance-9",
                "another client may be writing the same keys", "--namespace PREFIX"),
            new BadInput("a turn key without a lease (etcdctl put etcd-poc/run/stale x)", e -> inANamespace(e, (ns, etcd) -> {
                etcd.put(ns + "etcd-poc/run/stale", "x");
                return e.poc().run("-e", e.plain().endpoints().toString(), "--namespace", ns);
            }), 1, QUICK, "is held by a key without a lease: key etcd-poc/run/stale (lease 0", "etcdctl del "),
            new BadInput("a namespace with a control character, and a key there", e -> inANamespace(e, (ns, etcd) -> {
                String odd = ns + "tmp\npoc/";
                etcd.put(odd + "name", "theirs");
                return e.poc().run("-e", e.plain().endpoints().toString(), "--namespace", odd);
            }), 1, QUICK, "found 1 key that this demo would overwrite or delete (name)", "poc/name"),
            new BadInput("bench against a closed port", e -> e.poc().run("bench", "-e", closed, "--total", "500", "--warmup", "0"),
                1, QUICK, "GET bench/", "connection refused", "Is etcd running there?"),
            new BadInput("standard output cannot be written (poc > /dev/full)", e -> e.poc().intoFile(new File("/dev/full"),
                "-e", e.plain().endpoints().toString()),
                1, QUICK, "the output could not be written (standard output failed: disk full, or a closed pipe?)"));
    }

    /** What a row does on the plain etcd under a namespace of its own, which it leaves empty again. */
    private static PocRun inANamespace(Etcds e, BiFunction<String, Etcd, PocRun> row) {
        String namespace = "tmp/bad-input-" + UUID.randomUUID() + "/";
        try (Etcd etcd = new Etcd(e.plain().endpoints())) {
            try {
                return row.apply(namespace, etcd);
            } finally {
                etcd.deleteUnder(namespace);
            }
        }
    }

    /** What {@code row} does holding a lease of another client's, revoked after it. */
    private static PocRun onALease(Etcd etcd, Function<Long, PocRun> row) {
        long lease = etcd.await(etcd.client().getLeaseClient().grant(60)).getID();
        try {
            return row.apply(lease);
        } finally {
            etcd.await(etcd.client().getLeaseClient().revoke(lease));
        }
    }

    /**
     * A throwaway etcd in a temp dir with 20 MB free: a tmpfs mounted in a mount namespace of the run's own
     * ({@code unshare}, as root or with a user namespace), so nothing outside it sees the mount.
     */
    private static PocRun aFullTempDir(Etcds e) {
        try {
            Path dir = Files.createTempDirectory("full-tmp-");
            try {
                List<String> inTmpfs = List.of("unshare", "--mount", "--map-root-user", "sh", "-c",
                    "mount -t tmpfs -o size=20m tmpfs \"$0\" && exec \"$@\"", dir.toString());
                return e.poc().under(inTmpfs, List.of("-Djava.io.tmpdir=" + dir), Map.of(), "--local-cluster", "1");
            } finally {
                Files.delete(dir);
            }
        } catch (IOException io) {
            throw new UncheckedIOException(io);
        }
    }

    @AfterAll
    static void releaseTheClosedPort() {
        CLOSED.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void oneClearLine(BadInput input, EtcdFixture plain, SecureEtcds secure) {
        PocRun run = input.run().apply(new Etcds(plain, secure, PocLaunch.IN_TEST_JVM));

        assertOneLineFailure(run, input.exitCode(), input.within(), input.keyWords());
        if (input.exitCode() == 0) {
            assertThat(run.out()).as("the run went on").isEqualTo(PocOutput.FULL);
        }
    }

    /** A 3-member cluster whose other two members are killed: the one left runs, answers, and has no leader. */
    private static PocRun aMemberWithoutQuorum(Etcds e) {
        try (LocalEtcd cluster = LocalEtcd.start(3)) {
            cluster.kill(1);
            cluster.kill(2);
            return e.poc().run("-e", cluster.endpoint(0).toString(), "--timeout", "2s");
        }
    }

    /** An etcd with a 128 KiB quota, written to until it raises its NOSPACE alarm. */
    private static PocRun anEtcdOutOfSpace(Etcds e) {
        try (LocalEtcd etcd = LocalEtcd.start(1, LocalEtcd.Setup.PLAIN.withFlags("--quota-backend-bytes", "131072"));
             Etcd fill = new Etcd(etcd.endpoints())) {
            // Written until etcd refuses, bounded by time: how many values fit depends on how etcd's
            // backend pages and frees space, which differs between versions and runs (12 to 18 seen).
            String value = "x".repeat(60_000);
            AtomicInteger written = new AtomicInteger();
            Throwable full = Poll.until(FILL_LIMIT, "etcd refusing a write once full (its NOSPACE alarm)", () -> {
                try {
                    fill.put("fill/" + written.getAndIncrement(), value);
                    return Optional.empty();
                } catch (RuntimeException refused) {
                    return Optional.of(refused);
                }
            });
            assertThat(full).as("etcd refused a write once full").hasMessageContaining("database space exceeded");
            return e.poc().run("-e", etcd.endpoints().toString());
        }
    }

    /** An HTTP/1 server on a free loopback port, answering 404 to everything. */
    private static PocRun aPlainHttpServer(Etcds e) {
        try {
            HttpServer web = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            web.createContext("/", exchange -> {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
            });
            web.start();
            try {
                return e.poc().run("--endpoints", "http://127.0.0.1:" + web.getAddress().getPort(), "--timeout", "3s");
            } finally {
                web.stop(0);
            }
        } catch (IOException io) {
            throw new UncheckedIOException(io);
        }
    }

    /** A server on a free loopback port that reads what a client sends first and resets the connection (RST, not FIN). */
    private static PocRun aServerResettingTheTlsHello(Etcds e) {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread resetter = new Thread(() -> resetEveryConnection(server), "reset-tls-hello");
            resetter.setDaemon(true);
            resetter.start();
            return e.poc().run("-e", "https://127.0.0.1:" + server.getLocalPort(), "--cacert", e.ca(), "--timeout", "3s");
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static void resetEveryConnection(ServerSocket server) {
        while (true) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException closed) {
                return;
            }
            try (client) {
                client.getInputStream().read(new byte[512]);
                client.setSoLinger(true, 0);
            } catch (IOException clientGaveUp) {
                // The next connection is reset all the same.
            }
        }
    }

    /** An "etcd" that starts, logs a line and never becomes healthy, as the throwaway etcd. */
    private static PocRun aFakeEtcd(Etcds e) {
        try {
            Path fake = Files.createTempFile("fake-etcd-", ".sh");
            try {
                Files.writeString(fake, "#!/bin/sh\necho 'fake etcd: never healthy'\nexec sleep 600\n");
                fake.toFile().setExecutable(true);
                return e.poc().fresh(List.of(), Map.of("ETCD_BINARY", fake.toString()), "--local-cluster", "1");
            } finally {
                Files.delete(fake);
            }
        } catch (IOException io) {
            throw new UncheckedIOException(io);
        }
    }

    /**
     * Kills etcd right after the txn section's transaction was acknowledged (held at the line that
     * prints its watch event), then checks, with etcd restarted on its data, that both keys the
     * transaction wrote are there: the run failed, nothing it wrote was lost. The jar cannot be held at a
     * line: it is killed under while its lock section waits for a lock another client holds (a wait of
     * seconds), after the txn section's.
     */
    private static PocRun killEtcdAfterTheTxn(Etcds e) {
        if (e.poc() == PocLaunch.JAR) {
            return killEtcdWhileTheJarWaitsForALock();
        }
        try (LocalEtcd etcd = LocalEtcd.start(1)) {
            PauseAtLine afterTheTxn = new PauseAtLine("    animals/chicken -> \"cluck\" (Put)");
            CompletableFuture<PocRun> running = CompletableFuture.supplyAsync(() ->
                PocRun.watching(afterTheTxn, Map.of(), "-e", etcd.endpoints().toString(), "--timeout", "2s", "txn"));
            try {
                assertThat(afterTheTxn.awaitReached(QUICK)).as("the run reached the txn's watch event").isTrue();
                etcd.kill(0);
            } finally {
                afterTheTxn.resume();
            }
            PocRun run = running.get(60, TimeUnit.SECONDS);

            etcd.restart(0);
            etcd.awaitHealthy(Duration.ofSeconds(30));
            try (Etcd check = new Etcd(etcd.endpoints())) {
                assertThat(check.count("animals/")).as("keys the acknowledged txn wrote, after the crash").isEqualTo(2);
            }
            return run;
        } catch (Exception ex) {
            throw new AssertionError(ex);
        }
    }

    private static PocRun killEtcdWhileTheJarWaitsForALock() {
        try (LocalEtcd etcd = LocalEtcd.start(1); Etcd other = new Etcd(etcd.endpoints())) {
            // Held until etcd dies with it.
            long lease = other.await(other.client().getLeaseClient().grant(60)).getID();
            other.await(other.client().getLockClient().lock(bytes("demo/lock/mutex"), lease));
            return PocJar.run(Map.of(), line -> {
                if (line.startsWith("Two workers want the same lock")) {
                    etcd.kill(0);
                }
            }, "-e", etcd.endpoints().toString(), "--timeout", "2s", "txn", "lock");
        }
    }
}
