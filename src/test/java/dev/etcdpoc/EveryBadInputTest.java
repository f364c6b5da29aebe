package dev.etcdpoc;

import static dev.etcdpoc.support.Assertions.assertOneLineFailure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdpoc.local.LocalEtcd;
import dev.etcdpoc.support.Etcd;
import dev.etcdpoc.support.EtcdExtension;
import dev.etcdpoc.support.EtcdFixture;
import dev.etcdpoc.support.PauseAtLine;
import dev.etcdpoc.support.PocOutput;
import dev.etcdpoc.support.PocRun;
import dev.etcdpoc.support.SecureEtcds;
import dev.etcdpoc.support.Silent;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The issue's list of bad inputs, in its order, each against a real etcd set up to provoke it:
 * one line on stderr that names what was wrong and what to do, the documented exit code (2 usage,
 * 1 connection, auth or runtime), no stack trace, and no hang. The bounds are generous (the
 * machine is small and shared); the demo's own deadline is 5 s, or 2 s where a row says so.
 */
@ExtendWith(EtcdExtension.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class EveryBadInputTest {
    private static final Duration QUICK = Duration.ofSeconds(15);
    private static final Duration DEADLINE_PLUS = Duration.ofSeconds(20);

    /** The etcds a row may use: a plain one (auth disabled) and the secured ones. */
    record Etcds(EtcdFixture plain, SecureEtcds secure) {
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

    static Stream<BadInput> theIssuesList() {
        String closed = "http://127.0.0.1:" + Silent.closedPort();
        return Stream.of(
            new BadInput("malformed endpoint URL", e -> PocRun.of("--endpoints", "127.0.0.1:2379"),
                2, QUICK, "endpoint '127.0.0.1:2379' is not a URL", "http://127.0.0.1:2379"),
            new BadInput("unsupported scheme", e -> PocRun.of("--endpoints", "ftp://127.0.0.1:2379"),
                2, QUICK, "scheme 'ftp'", "http:// or https://"),
            new BadInput("unknown host", e -> PocRun.of("--endpoints", "http://no-such-host.invalid:2379"),
                1, QUICK, "unknown host 'no-such-host.invalid'", "--endpoints"),
            new BadInput("closed port", e -> PocRun.of("--endpoints", closed),
                1, QUICK, closed, "connection refused", "docker compose up -d"),
            new BadInput("a port that accepts TCP but never answers", e -> {
                try (Silent silent = new Silent()) {
                    return PocRun.of("--endpoints", silent.url(), "--timeout", "2s");
                }
            }, 1, DEADLINE_PLUS, "no answer", "2s"),
            new BadInput("wrong password", e -> PocRun.withEnv(Map.of("ETCD_PASSWORD", "not-the-password"),
                "-e", e.secure().auth().toString(), "--user", "root"),
                1, QUICK, "authentication failed: wrong user or password"),
            new BadInput("unknown user", e -> PocRun.withEnv(Map.of("ETCD_PASSWORD", SecureEtcds.ROOT_PASSWORD),
                "-e", e.secure().auth().toString(), "--user", "nobody"),
                1, QUICK, "authenticate as nobody", "authentication failed: wrong user or password"),
            // Not a failure: etcd accepts the requests, so the demo says so and goes on (exit 0, full output).
            new BadInput("credentials sent to a server with auth disabled", e -> PocRun.withEnv(Map.of("ETCD_PASSWORD", "whatever"),
                "-e", e.plain().endpoints().toString(), "--user", "root"),
                0, QUICK, "has authentication disabled", "--user root is not needed", "going on without credentials"),
            new BadInput("auth required but no credentials", e -> PocRun.of("-e", e.secure().auth().toString()),
                1, QUICK, "etcd requires authentication: give --user and --password"),
            new BadInput("plain http to a TLS server", e -> PocRun.of("-e", e.secure().tls().toString().replace("https:", "http:")),
                1, QUICK, "plain http to a TLS etcd: use https:// and --cacert"),
            new BadInput("https to a plain server", e -> PocRun.of("-e", e.plain().endpoints().toString().replace("http:", "https:"),
                "--cacert", e.ca()),
                1, QUICK, "https to a plain-http etcd: use http:// or enable TLS on etcd"),
            new BadInput("--cacert file missing", e -> PocRun.of("-e", e.secure().tls().toString(), "--cacert", "/nonexistent/ca.pem"),
                2, QUICK, "--cacert file '/nonexistent/ca.pem' does not exist"),
            new BadInput("--cacert not a certificate", e -> PocRun.of("-e", e.secure().tls().toString(),
                "--cacert", e.secure().pki().notACertificate.toString()),
                2, QUICK, "--cacert file", "is not a PEM certificate"),
            new BadInput("server certificate not signed by the given CA", e -> PocRun.of("-e", e.secure().tls().toString(),
                "--cacert", e.secure().pki().otherCa.toString()),
                1, QUICK, "server certificate not trusted", "--cacert"),
            // The certificate is signed by the CA given, so only its names (10.255.255.1, etcd.example.invalid) are wrong.
            new BadInput("hostname mismatch", e -> PocRun.of("-e", e.secure().wrongSan().toString(), "--cacert", e.ca()),
                1, QUICK, "server certificate does not match host 127.0.0.1"),
            new BadInput("mutual TLS required but no client certificate", e -> PocRun.of("-e", e.secure().mtls().toString(),
                "--cacert", e.ca()),
                1, QUICK, "etcd requires a client certificate", "give --cert and --key"),
            new BadInput("--cert without --key", e -> PocRun.of("-e", e.secure().mtls().toString(), "--cacert", e.ca(),
                "--cert", e.secure().pki().clientCert.toString()),
                2, QUICK, "--cert needs --key"),
            new BadInput("unknown option", e -> PocRun.of("--bogus"),
                2, QUICK, "Unknown option: '--bogus'"),
            new BadInput("unknown section", e -> PocRun.of("nosuch"),
                2, QUICK, "unknown section 'nosuch'; valid sections: crud, watch, txn, cas, lease, lock, election, history, config, auth, failover, all"),
            new BadInput("non-positive timeout", e -> PocRun.of("--timeout", "0"),
                2, QUICK, "'0' must be greater than zero"),
            new BadInput("etcd killed in the middle of a run", EveryBadInputTest::killEtcdAfterTheTxn,
                1, QUICK, "etcd at http://127.0.0.1:", "Is etcd running there?"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("theIssuesList")
    void oneClearLine(BadInput input, EtcdFixture plain, SecureEtcds secure) {
        PocRun run = input.run().apply(new Etcds(plain, secure));

        assertOneLineFailure(run, input.exitCode(), input.within(), input.keyWords());
        if (input.exitCode() == 0) {
            assertThat(run.out()).as("the run went on").isEqualTo(PocOutput.FULL);
        }
    }

    /**
     * Kills etcd right after the txn section's transaction was acknowledged (held at the line that
     * prints its watch event), then checks, with etcd restarted on its data, that both keys the
     * transaction wrote are there: the run failed, nothing it wrote was lost.
     */
    private static PocRun killEtcdAfterTheTxn(Etcds unused) {
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
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
