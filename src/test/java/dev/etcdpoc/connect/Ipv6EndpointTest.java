package dev.etcdpoc.connect;

import static dev.etcdpoc.support.Assertions.assertOneLineFailure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdpoc.local.LocalEtcd;
import dev.etcdpoc.local.ServerTls;
import dev.etcdpoc.support.LoopbackPort;
import dev.etcdpoc.support.PocOutput;
import dev.etcdpoc.support.PocRun;
import dev.etcdpoc.support.TestPki;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * IPv6 literal endpoints ({@code http://[::1]:PORT}) work alone, in a list with IPv4 ones, and over
 * TLS, where the certificate is still checked against the host of the URL: etcd listening on [::1].
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class Ipv6EndpointTest {
    private static final Duration QUICK = Duration.ofSeconds(15);
    private static TestPki pki;
    private static LocalEtcd plain;

    @BeforeAll
    static void startEtcdOnIpv6Loopback() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("::1"))) {
            assertThat(probe.getLocalPort()).as("this machine can listen on [::1]").isPositive();
        }
        pki = TestPki.create();
        plain = LocalEtcd.start(1, LocalEtcd.Setup.PLAIN.onIpv6Loopback());
    }

    @AfterAll
    static void stop() {
        if (plain != null) {
            plain.close();
        }
        if (pki != null) {
            pki.close();
        }
    }

    @Test
    void anIpv6EndpointAlone() {
        String url = plain.endpoints().toString();
        assertThat(url).startsWith("http://[::1]:");

        PocRun run = PocRun.of("--endpoints", url);

        assertThat(run.err()).as("stderr").isEmpty();
        assertThat(run.out()).isEqualTo(PocOutput.FULL);
        assertThat(run.exitCode()).isZero();
    }

    @Test
    void anIpv6EndpointInAListWithAnIpv4One() {
        // The IPv4 member is down: the run goes through the IPv6 one.
        try (LoopbackPort down = LoopbackPort.refusing()) {
            PocRun run = PocRun.of("--endpoints", down.url() + "," + plain.endpoints());

            assertThat(run.out()).isEqualTo(PocOutput.FULL);
            assertThat(run.exitCode()).isZero();
        }
    }

    @Test
    void tlsOnIpv6ChecksTheCertificateAgainstTheAddress() {
        try (LocalEtcd listed = LocalEtcd.start(1, LocalEtcd.Setup.PLAIN.onIpv6Loopback()
                 .with(ServerTls.server(pki.serverCert, pki.serverKey)));
             LocalEtcd notListed = LocalEtcd.start(1, LocalEtcd.Setup.PLAIN.onIpv6Loopback()
                 .with(ServerTls.server(pki.wrongSanCert, pki.wrongSanKey)))) {
            PocRun trusted = PocRun.of("--endpoints", listed.endpoints().toString(), "--cacert", pki.ca.toString());
            assertThat(trusted.out()).as("a certificate that lists ::1").isEqualTo(PocOutput.FULL);
            assertThat(trusted.exitCode()).isZero();

            PocRun mismatch = PocRun.of("--endpoints", notListed.endpoints().toString(), "--cacert", pki.ca.toString());
            assertOneLineFailure(mismatch, 1, QUICK, notListed.endpoints().toString(), "server certificate does not match host");
        }
    }
}
