package dev.etcdpoc;

import static dev.etcdpoc.support.Assertions.assertOneLineFailure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdpoc.support.PocRun;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Usage errors beyond the bad-input table of docs/bad-input.md (which {@link EveryBadInputTest} walks): one line naming
 * what was wrong, exit 2, and no attempt to reach etcd.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BadInputTest {
    private static final Duration QUICK = Duration.ofSeconds(10);

    static Stream<Arguments> usageErrors() {
        return Stream.of(
            Arguments.of(new String[] {"--timeout", "-3s"}, "must be greater than zero"),
            Arguments.of(new String[] {"--timeout", "soon"}, "'soon' is not a duration"),
            Arguments.of(new String[] {"--endpoints", "http://127.0.0.1"}, "has no port"),
            Arguments.of(new String[] {"--endpoints", "http://a:1,https://b:2"}, "mix http and https"),
            Arguments.of(new String[] {"--endpoints"}, "Missing required parameter for option '--endpoints'"),
            Arguments.of(new String[] {"--password", "secret"}, "--password needs --user"),
            Arguments.of(new String[] {"--user", "root"}, "--user root needs a password: add --password to be asked for it, or set ETCD_PASSWORD"),
            Arguments.of(new String[] {"--user", "", "--password=x"}, "--user (or ETCD_USER) is empty"),
            Arguments.of(new String[] {"--user", "root", "--password="}, "the password of --user root is empty"),
            // Tests run without a console, as scripts and CI do: the prompt cannot be shown, so it says what to use instead.
            Arguments.of(new String[] {"--user", "root", "--password"}, "asks for it on the console, and there is none; set ETCD_PASSWORD"),
            Arguments.of(new String[] {"--cacert", "ca.pem"}, "--cacert is for https endpoints, and no endpoint is given"),
            Arguments.of(new String[] {"-e", "http://127.0.0.1:2379", "--cacert", "ca.pem"},
                "--cacert is for https endpoints, and http://127.0.0.1:2379 is plain http; write it as https://127.0.0.1:2379"),
            Arguments.of(new String[] {"-e", "https://127.0.0.1:2379", "--key", "key.pem"}, "--key needs --cert"),
            Arguments.of(new String[] {"--local-cluster", "0"}, "--local-cluster takes 1 to 7 members, not 0"),
            Arguments.of(new String[] {"--local-cluster", "three"}, "Invalid value for option '--local-cluster'"),
            // One rule for an empty and a blank namespace: both refused (the option left out means none).
            Arguments.of(new String[] {"--namespace", ""}, "--namespace is empty; give a key prefix like tmp/poc/, or leave the option out"),
            Arguments.of(new String[] {"--namespace", " "}, "--namespace is blank; give a key prefix like tmp/poc/, or leave the option out"),
            // picocli hands options before a subcommand to the demo, which does not run: refused, never dropped.
            Arguments.of(new String[] {"-e", "http://127.0.0.1:1", "bench", "--total", "500"},
                "--endpoints before 'bench' would be the demo's, not the benchmark's: write it after 'bench'"),
            Arguments.of(new String[] {"--timeout", "1s", "--namespace", "x/", "bench"},
                "--timeout, --namespace before 'bench' would be the demo's, not the benchmark's: write them after 'bench'"),
            // The check starts and breaks a cluster of its own: never a given etcd, and its options mean nothing elsewhere.
            Arguments.of(new String[] {"-e", "http://127.0.0.1:1", "check"},
                "check kills, freezes and cuts off the members of the cluster it runs on, so it starts one of its own and never "
                    + "runs on --endpoints"),
            Arguments.of(new String[] {"-e", "http://127.0.0.1:1", "versus"},
                "versus kills, freezes and cuts off members of the etcd and Redis it starts itself, and never runs on --endpoints"),
            Arguments.of(new String[] {"--members", "5", "crud"},
                "--members is for the check section only: name it, as in 'poc check --members 5 --duration 30s'"),
            Arguments.of(new String[] {"check", "--members", "9"}, "Invalid value for option '--members': 9 is outside 3..7"),
            Arguments.of(new String[] {"check", "--duration", "3s"}, "Invalid value for option '--duration': '3s' is outside 10s..10m"),
            Arguments.of(new String[] {"--history-out", "h.jsonl", "crud"},
                "--history-out is for the check section only: name it, as in 'poc check --members 5 --duration 30s'"),
            // Refused before the run, not after 25 s of it.
            Arguments.of(new String[] {"check", "--report", "/no/such/folder/r.html"},
                "Invalid value for option '--report': '/no/such/folder/r.html' is in /no/such/folder, which is not a folder that exists"));
    }

    @ParameterizedTest
    @MethodSource("usageErrors")
    void usageErrorGivesOneLineAndExit2(String[] args, String expected) {
        PocRun run = PocRun.of(args);

        assertOneLineFailure(run, 2, QUICK, expected);
        assertThat(run.out()).as("nothing on stdout").isEmpty();
    }

    @Test
    void badEtcdEndpointsVariable() {
        PocRun run = PocRun.withEnv(Map.of("ETCD_ENDPOINTS", "localhost"));

        assertOneLineFailure(run, 2, QUICK, "ETCD_ENDPOINTS", "is not a URL");
    }

    @Test
    void helpListsOptionsAndExitCodes() {
        PocRun run = PocRun.of("--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("--endpoints", "--timeout", "ETCD_ENDPOINTS", "--list", "Exit codes:",
            "--user", "ETCD_USER", "--password", "ETCD_PASSWORD", "--cacert", "ETCD_CACERT", "--cert", "ETCD_CERT",
            "--key", "ETCD_KEY", "--members", "--duration", "--serializable-reads", "and check and versus, which take");
    }

    @Test
    void versionNamesJetcd() {
        PocRun run = PocRun.of("--version");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("poc ").contains("jetcd 0.8.7");
    }

    @Test
    void listNamesEverySectionWithoutContactingEtcd() {
        PocRun run = PocRun.withEnv(Map.of("ETCD_ENDPOINTS", "http://127.0.0.1:1"), "--list");

        assertThat(run.exitCode()).isZero();
        assertThat(run.outLines()).extracting(line -> line.split("\\s+")[0])
            .containsExactly("crud", "watch", "txn", "cas", "lease", "lock", "election", "history", "config", "stm", "auth", "failover",
                "check", "versus");
        assertThat(run.outLines()).filteredOn(line -> line.startsWith("check ")).singleElement().asString().contains("not in all");
        assertThat(run.outLines()).filteredOn(line -> line.startsWith("versus ")).singleElement().asString().contains("not in all");
    }
}
