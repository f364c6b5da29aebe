package dev.etcdpoc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdpoc.core.Bytes;
import dev.etcdpoc.support.Etcd;
import dev.etcdpoc.support.EtcdExtension;
import dev.etcdpoc.support.EtcdFixture;
import dev.etcdpoc.support.PocOutput;
import dev.etcdpoc.support.PocRun;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The PoC's three sections against a real etcd: exact output, repeatable, nothing left behind. */
@ExtendWith(EtcdExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PocDemoTest {

    @Test
    void defaultRunPrintsExactlyThePocOutput(EtcdFixture etcd) {
        PocRun run = PocRun.of("--endpoints", etcd.endpoints().toString());

        assertThat(run.err()).as("stderr of a successful run").isEmpty();
        assertThat(run.out()).as("stdout, byte for byte").isEqualTo(PocOutput.FULL);
        assertThat(run.exitCode()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"crud", "watch", "txn"})
    void eachPocSectionRunsAlone(String section, EtcdFixture etcd) {
        PocRun run = PocRun.of("-e", etcd.endpoints().toString(), section);

        assertThat(run.out()).isEqualTo(PocOutput.of(section));
        assertThat(run.exitCode()).isZero();
    }

    @Test
    void sectionsRunInTheOrderGiven(EtcdFixture etcd) {
        PocRun run = PocRun.of("-e", etcd.endpoints().toString(), "txn", "crud");

        assertThat(run.out()).isEqualTo(PocOutput.of("txn", "crud"));
    }

    @Test
    void rerunsAgainstTheSameEtcdPrintTheSameOutput(EtcdFixture etcd) {
        for (int i = 1; i <= 5; i++) {
            PocRun run = PocRun.of("--endpoints", etcd.endpoints().toString());
            assertThat(run.out()).as("run %d", i).isEqualTo(PocOutput.FULL);
            assertThat(run.exitCode()).as("run %d", i).isZero();
        }
    }

    @Test
    void etcdEndpointsVariableIsUsedWhenNoOptionIsGiven(EtcdFixture etcd) {
        PocRun run = PocRun.withEnv(Map.of("ETCD_ENDPOINTS", etcd.endpoints().toString()));

        assertThat(run.err()).as("no throwaway etcd was started").isEmpty();
        assertThat(run.out()).isEqualTo(PocOutput.FULL);
    }

    @Test
    void optionWinsOverTheVariable(EtcdFixture etcd) {
        PocRun run = PocRun.withEnv(Map.of("ETCD_ENDPOINTS", "http://127.0.0.1:1"), "-e", etcd.endpoints().toString());

        assertThat(run.out()).isEqualTo(PocOutput.FULL);
        assertThat(run.exitCode()).isZero();
    }

    @Test
    void leavesNoPocKeysBehind(EtcdFixture etcd) {
        PocRun run = PocRun.of("--endpoints", etcd.endpoints().toString());
        assertThat(run.exitCode()).isZero();

        try (Etcd check = new Etcd(etcd.endpoints())) {
            assertThat(check.count("name")).as("key name").isZero();
            assertThat(check.count("dog")).as("key dog").isZero();
            assertThat(check.count("animals/")).as("keys under animals/").isZero();
        }
    }

    @Test
    void txnWritesBothKeysAtOneRevision(EtcdFixture etcd) {
        try (Etcd check = new Etcd(etcd.endpoints())) {
            long before = check.await(check.client().getKVClient().get(Bytes.bytes("animals/"))).getHeader().getRevision();

            PocRun run = PocRun.of("-e", etcd.endpoints().toString(), "txn");
            assertThat(run.exitCode()).isZero();

            // put cow + put chicken in one txn is one revision, the prefix delete that cleans up another.
            long after = check.await(check.client().getKVClient().get(Bytes.bytes("animals/"))).getHeader().getRevision();
            assertThat(after - before).as("revisions the txn section used").isEqualTo(2);
        }
    }
}
