package dev.etcdpoc.connect;

import static dev.etcdpoc.support.Assertions.assertOneLineFailure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdpoc.support.EtcdExtension;
import dev.etcdpoc.support.PocOutput;
import dev.etcdpoc.support.PocRun;
import dev.etcdpoc.support.SecureEtcds;
import dev.etcdpoc.support.TestPki;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The default run, byte for byte, against etcd secured the ways production runs it: auth enabled (right
 * credentials), TLS (--cacert) and mutual TLS (--cert/--key); each option also from its
 * environment variable. What goes wrong is walked in {@link EveryBadInputTest}.
 */
@ExtendWith(EtcdExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SecureConnectionTest {
    private static final Duration QUICK = Duration.ofSeconds(15);

    @Test
    void pocAgainstAnEtcdWithAuthEnabled(SecureEtcds etcds) {
        PocRun run = PocRun.withEnv(Map.of("ETCD_PASSWORD", SecureEtcds.ROOT_PASSWORD),
            "--endpoints", etcds.auth().toString(), "--user", "root");

        assertThat(run.err()).as("stderr").isEmpty();
        assertThat(run.out()).as("stdout, byte for byte").isEqualTo(PocOutput.FULL);
        assertThat(run.exitCode()).isZero();
    }

    @Test
    void pocOverTls(SecureEtcds etcds) {
        PocRun run = PocRun.of("--endpoints", etcds.tls().toString(), "--cacert", etcds.pki().ca.toString());

        assertThat(run.err()).as("stderr").isEmpty();
        assertThat(run.out()).as("stdout, byte for byte").isEqualTo(PocOutput.FULL);
        assertThat(run.exitCode()).isZero();
    }

    @Test
    void pocOverMutualTls(SecureEtcds etcds) {
        TestPki pki = etcds.pki();
        PocRun run = PocRun.of("--endpoints", etcds.mtls().toString(), "--cacert", pki.ca.toString(),
            "--cert", pki.clientCert.toString(), "--key", pki.clientKey.toString());

        assertThat(run.err()).as("stderr").isEmpty();
        assertThat(run.out()).as("stdout, byte for byte").isEqualTo(PocOutput.FULL);
        assertThat(run.exitCode()).isZero();
    }

    @Test
    void everyConnectionSettingFromTheEnvironment(SecureEtcds etcds) {
        TestPki pki = etcds.pki();
        PocRun run = PocRun.withEnv(Map.of(
            "ETCD_ENDPOINTS", etcds.mtls().toString(),
            "ETCD_CACERT", pki.ca.toString(),
            "ETCD_CERT", pki.clientCert.toString(),
            "ETCD_KEY", pki.clientKey.toString()));

        assertThat(run.out()).isEqualTo(PocOutput.FULL);
        assertThat(run.exitCode()).isZero();

        PocRun auth = PocRun.withEnv(Map.of("ETCD_ENDPOINTS", etcds.auth().toString(),
            "ETCD_USER", "root", "ETCD_PASSWORD", SecureEtcds.ROOT_PASSWORD), "crud");

        assertThat(auth.out()).isEqualTo(PocOutput.of("crud"));
        assertThat(auth.exitCode()).isZero();
    }

    @Test
    void passwordOptionWinsOverTheVariable(SecureEtcds etcds) {
        PocRun run = PocRun.withEnv(Map.of("ETCD_PASSWORD", "stale"),
            "-e", etcds.auth().toString(), "--user", "root", "--password", SecureEtcds.ROOT_PASSWORD, "crud");

        assertThat(run.out()).isEqualTo(PocOutput.of("crud"));
        assertThat(run.exitCode()).isZero();
    }

    /**
     * The client certificate is checked by etcd: one signed by a CA etcd does not trust is refused.
     * Over TLS 1.3 the refusal arrives after the client's side of the handshake, as a dropped connection.
     */
    @Test
    void clientCertificateFromAnotherCaIsRefused(SecureEtcds etcds) {
        TestPki pki = etcds.pki();
        PocRun run;
        try (TestPki stranger = TestPki.create()) {
            run = PocRun.of("-e", etcds.mtls().toString(), "--cacert", pki.ca.toString(),
                "--cert", stranger.clientCert.toString(), "--key", stranger.clientKey.toString());
        }

        // Which of the two the client sees (etcd's alert, or the connection dropped after it) is a race
        // in TLS 1.3; both lines name --cert and the CA it must be signed by.
        assertOneLineFailure(run, 1, QUICK, "--cert", "signed by the CA in etcd's --trusted-ca-file");
    }

    @Test
    void keyInTheTraditionalFormatIsAUsageErrorThatSaysHowToConvertIt(SecureEtcds etcds) {
        TestPki pki = etcds.pki();
        PocRun run = PocRun.of("-e", etcds.mtls().toString(), "--cacert", pki.ca.toString(),
            "--cert", pki.clientCert.toString(), "--key", pki.clientKeyTraditional.toString());

        assertOneLineFailure(run, 2, QUICK, "--key file", "is not an unencrypted PKCS#8 PEM key", "openssl pkcs8 -topk8 -nocrypt");
    }

    @Test
    void keyOfAnotherCertificateIsAUsageError(SecureEtcds etcds) {
        TestPki pki = etcds.pki();
        PocRun run = PocRun.withEnv(Map.of("ETCD_KEY", pki.serverKey.toString()), "-e", etcds.mtls().toString(),
            "--cacert", pki.ca.toString(), "--cert", pki.clientCert.toString());

        assertOneLineFailure(run, 2, QUICK, "ETCD_KEY file", "is not the private key of the client certificate");
    }
}
