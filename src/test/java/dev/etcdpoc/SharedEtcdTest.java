package dev.etcdpoc;

import static dev.etcdpoc.core.Bytes.bytes;
import static dev.etcdpoc.core.Bytes.text;
import static dev.etcdpoc.core.Bytes.value;
import static dev.etcdpoc.support.Assertions.assertOneLineFailure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdpoc.core.Endpoints;
import dev.etcdpoc.support.Etcd;
import dev.etcdpoc.support.EtcdExtension;
import dev.etcdpoc.support.EtcdFixture;
import dev.etcdpoc.support.PocOutput;
import dev.etcdpoc.support.PocProcess;
import dev.etcdpoc.support.PocRun;
import dev.etcdpoc.support.FaultyCluster;
import dev.etcdpoc.support.UsersKeys;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.election.CampaignResponse;
import io.etcd.jetcd.lock.LockResponse;
import io.etcd.jetcd.options.GetOption;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The etcd the demo talks to is someone else's. With their data, their lock, their leader and
 * their history in place, a run touches none of it: every key, value and revision is the same
 * after the run as before. Each case runs on one member (the suite's etcd) and on a 3-member cluster.
 */
@ExtendWith(EtcdExtension.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SharedEtcdTest {
    private static final String ONE_MEMBER = "one member";
    private static final String CLUSTER = "3-member cluster";
    /** Short, so a run that waits for someone else's lock gives up soon. */
    private static final String[] WAIT_2S = {"--timeout", "2s"};

    @RegisterExtension
    static final FaultyCluster THREE_MEMBERS = FaultyCluster.perClass();

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {ONE_MEMBER, CLUSTER})
    void keysThePocWouldWriteExistSoTheRunRefusesAndTouchesNothing(String where, EtcdFixture etcd) {
        Endpoints endpoints = endpoints(where, etcd);
        try (UsersKeys user = UsersKeys.put(endpoints, "name", "dog", "animals/x")) {
            PocRun run = PocRun.of("-e", endpoints.toString());

            assertOneLineFailure(run, 1, Duration.ofSeconds(30),
                "found 3 keys that this demo would overwrite or delete", "name", "dog", "animals/x", "--namespace",
                "etcdctl del --prefix animals/");
            assertThat(run.err()).doesNotContain("Is etcd running");
            assertThat(run.out()).as("nothing printed before the refusal").isEmpty();
            user.assertUntouched();
        }
    }

    /**
     * A namespace with a newline in it: the refusal stays one line, shows the key escaped, and the
     * etcdctl command it suggests, pasted into a shell, deletes exactly that key.
     */
    @Test
    void aKeyWithAControlCharacterIsShownEscapedAndTheSuggestedCommandNamesItExactly(EtcdFixture etcd) throws Exception {
        String namespace = "tmp\npoc/";
        try (UsersKeys user = UsersKeys.put(etcd.endpoints(), namespace + "name")) {
            PocRun run = PocRun.of("-e", etcd.endpoints().toString(), "--namespace", namespace);

            assertOneLineFailure(run, 1, Duration.ofSeconds(30), "found 1 key that this demo would overwrite or delete (name)",
                "etcdctl del $'tmp\\npoc/name'");
            String command = run.err().substring(run.err().indexOf("etcdctl del ")).trim();
            Process shell = new ProcessBuilder("bash", "-c", etcdctl() + " --endpoints " + etcd.endpoints()
                + command.substring("etcdctl".length())).redirectErrorStream(true).start();
            assertThat(shell.waitFor(30, TimeUnit.SECONDS) && shell.exitValue() == 0)
                .as("the suggested command ran: %s", new String(shell.getInputStream().readAllBytes())).isTrue();
            assertThat(user.etcd().count(namespace + "name")).as("the exact key it named, deleted").isZero();
        }
    }

    /** The etcdctl next to the etcd the tests use (scripts/install-etcd.sh puts both in .etcd/bin). */
    private static String etcdctl() {
        String binary = System.getProperty("etcd.binary", "");
        Path etcd = binary.isBlank() ? Path.of(".etcd/bin/etcd").toAbsolutePath() : Path.of(binary);
        return etcd.resolveSibling("etcdctl").toString();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {ONE_MEMBER, CLUSTER})
    void underANamespaceThePocRunsBesideTheUsersKeysWithItsExactOutput(String where, EtcdFixture etcd) {
        Endpoints endpoints = endpoints(where, etcd);
        try (UsersKeys user = UsersKeys.put(endpoints, "name", "animals/x")) {
            PocRun run = PocRun.of("-e", endpoints.toString(), "--namespace", "tmp/poc/");

            assertThat(run.err()).as("stderr").isEmpty();
            assertThat(run.out()).as("the default run's output, key names included").isEqualTo(PocOutput.FULL);
            assertThat(run.exitCode()).isZero();
            user.assertUntouched();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {ONE_MEMBER, CLUSTER})
    void keysBesideTheDemosAreUntouchedByEverySection(String where, EtcdFixture etcd) {
        Endpoints endpoints = endpoints(where, etcd);
        // Names that share a beginning with the demo's, but are not under its keys.
        try (UsersKeys user = UsersKeys.put(endpoints, "names", "animals", "animals-x/y", "demo/other", "demo/cas", "app/config")) {
            PocRun run = PocRun.of("-e", endpoints.toString(),
                "crud", "watch", "txn", "cas", "lease", "lock", "election", "history", "config");

            assertThat(run.exitCode()).as("exit code; stderr: %s", run.err()).isZero();
            user.assertUntouched();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {ONE_MEMBER, CLUSTER})
    void aLockHeldByAnotherClientStaysHeldByIt(String where, EtcdFixture etcd) {
        Endpoints endpoints = endpoints(where, etcd);
        try (Etcd other = new Etcd(endpoints)) {
            long lease = other.await(other.client().getLeaseClient().grant(60)).getID();
            LockResponse held = other.await(other.client().getLockClient().lock(bytes("demo/lock/mutex"), lease));
            try {
                KeyValue before = only(other, text(held.getKey()));
                List<String> dump = other.dump();

                PocRun run = PocRun.of(Stream.concat(Stream.of("-e", endpoints.toString(), "lock"), Stream.of(WAIT_2S))
                    .toArray(String[]::new));

                assertOneLineFailure(run, 1, Duration.ofSeconds(30), "demo/lock/mutex is held by another client",
                    text(held.getKey()), Long.toHexString(lease));
                assertThat(run.err()).doesNotContain("Is etcd running").doesNotContain("no answer");
                KeyValue after = only(other, text(held.getKey()));
                assertThat(after.getCreateRevision()).as("the other client's lock key, same create revision")
                    .isEqualTo(before.getCreateRevision());
                assertThat(other.dump()).as("every key, value and revision after the run").isEqualTo(dump);
            } finally {
                other.await(other.client().getLeaseClient().revoke(lease));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {ONE_MEMBER, CLUSTER})
    void aLeaderElectedByAnotherClientStaysLeader(String where, EtcdFixture etcd) {
        Endpoints endpoints = endpoints(where, etcd);
        try (Etcd other = new Etcd(endpoints)) {
            long lease = other.await(other.client().getLeaseClient().grant(60)).getID();
            CampaignResponse leads = other.await(other.client().getElectionClient()
                .campaign(bytes("demo/election/leader"), lease, bytes("someone else")));
            try {
                List<String> dump = other.dump();

                PocRun run = PocRun.of(Stream.concat(Stream.of("-e", endpoints.toString(), "election"), Stream.of(WAIT_2S))
                    .toArray(String[]::new));

                assertOneLineFailure(run, 1, Duration.ofSeconds(30), "demo/election/leader is led by another client",
                    text(leads.getLeader().getKey()), Long.toHexString(lease));
                String leader = text(other.await(other.client().getElectionClient().leader(bytes("demo/election/leader")))
                    .getKv().getValue());
                assertThat(leader).as("who leads after the run").isEqualTo("someone else");
                assertThat(other.dump()).as("every key, value and revision after the run").isEqualTo(dump);
            } finally {
                other.await(other.client().getLeaseClient().revoke(lease));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {ONE_MEMBER, CLUSTER})
    void fourRunsAtOnceEachPrintTheExactOutput(String where, EtcdFixture etcd) throws Exception {
        Endpoints endpoints = endpoints(where, etcd);
        try (UsersKeys user = UsersKeys.put(endpoints)) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<PocRun>> runs = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    // A generous deadline: four JVM-less runs still share two cores with the cluster.
                    Callable<PocRun> run = () -> PocRun.of("-e", endpoints.toString(), "--timeout", "20s");
                    runs.add(pool.submit(run));
                }
                for (Future<PocRun> future : runs) {
                    PocRun run = future.get(120, TimeUnit.SECONDS);
                    assertThat(run.out()).as("each run's output; stderr: %s", run.err()).isEqualTo(PocOutput.FULL);
                    assertThat(run.exitCode()).isZero();
                    assertThat(run.errLines()).as("at most a word that it waited its turn")
                        .allMatch(line -> line.startsWith("poc: another demo run is using this etcd"));
                }
            } finally {
                pool.shutdownNow();
            }
            user.assertUntouched();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {ONE_MEMBER, CLUSTER})
    void historyDoesNotCompactAndTheUsersOlderRevisionsStayReadable(String where, EtcdFixture etcd) {
        Endpoints endpoints = endpoints(where, etcd);
        try (UsersKeys user = UsersKeys.put(endpoints, "app/history-probe")) {
            long first = createRevision(user.etcd(), "app/history-probe");

            PocRun run = PocRun.of("-e", endpoints.toString(), "history");

            assertThat(run.exitCode()).as("exit code; stderr: %s", run.err()).isZero();
            assertThat(run.outLines()).as("the story stops before compaction, and says why").contains(
                "COMPACT skipped: it would drop the older revisions of every key on this etcd, not only ours;"
                    + " add --compact-history to allow it, or run without --endpoints on a throwaway etcd");
            assertThat(run.out()).doesNotContain("refused: revision compacted");
            String old = value(user.etcd().await(user.etcd().client().getKVClient().get(bytes("app/history-probe"),
                GetOption.builder().withRevision(first).build())));
            assertThat(old).as("the user's key, read at its first revision after the run").isEqualTo("v1");
            user.assertUntouched();
        }
    }

    @ParameterizedTest(name = "poc {0}")
    @ValueSource(strings = {"", "--list", "--help", "--version"})
    void outputThatCannotBeWrittenIsAFailure(String option, EtcdFixture etcd) throws Exception {
        String[] args = option.isEmpty() ? new String[] {"-e", etcd.endpoints().toString()} : new String[] {option};
        Process poc = PocProcess.start(ProcessBuilder.Redirect.to(new File("/dev/full")), List.of(), Map.of(), args);
        String err = new String(poc.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(poc.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(poc.exitValue()).as("exit code of a run whose stdout is a full disk").isEqualTo(1);
        assertThat(err).as("stderr").isEqualTo("poc: the output could not be written (standard output failed: disk full, "
            + "or a closed pipe?); what it printed is incomplete\n");
    }

    private static Endpoints endpoints(String where, EtcdFixture etcd) {
        return where.equals(CLUSTER) ? THREE_MEMBERS.members().endpoints() : etcd.endpoints();
    }

    private static long createRevision(Etcd etcd, String key) {
        return only(etcd, key).getCreateRevision();
    }

    private static KeyValue only(Etcd etcd, String key) {
        List<KeyValue> kvs = etcd.await(etcd.client().getKVClient().get(bytes(key))).getKvs();
        assertThat(kvs).as("key %s", key).hasSize(1);
        return kvs.get(0);
    }
}
