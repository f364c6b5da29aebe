package dev.etcdpoc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdpoc.support.Change;
import dev.etcdpoc.support.Etcd;
import dev.etcdpoc.support.EtcdExtension;
import dev.etcdpoc.support.EtcdFixture;
import dev.etcdpoc.support.PocOutput;
import dev.etcdpoc.support.PocRun;
import dev.etcdpoc.support.WatchLog;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The default run (the .NET proof of concept's three sections) against a real etcd: exact output, repeatable, nothing left behind. */
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
    void txnWritesBothKeysAtOneRevision(EtcdFixture etcd) throws InterruptedException {
        try (Etcd check = new Etcd(etcd.endpoints()); WatchLog log = new WatchLog(check, "animals/")) {
            PocRun run = PocRun.of("-e", etcd.endpoints().toString(), "txn");
            assertThat(run.exitCode()).isZero();

            List<Change> changes = log.until(c -> c.isDeleteOf("animals/chicken"), Duration.ofSeconds(10));
            List<Change> puts = changes.stream().filter(Change::isPut).toList();
            assertThat(puts).extracting(Change::key).as("what the txn wrote").containsExactly("animals/cow", "animals/chicken");
            assertThat(puts.get(1).revision()).as("one revision for both keys").isEqualTo(puts.get(0).revision());
            assertThat(changes).filteredOn(c -> !c.isPut()).extracting(Change::revision)
                .as("the clean-up deletes both in one txn too").containsOnly(changes.get(changes.size() - 1).revision());
        }
    }
}
