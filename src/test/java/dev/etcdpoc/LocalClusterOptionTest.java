package dev.etcdpoc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdpoc.support.PocOutput;
import dev.etcdpoc.support.PocRun;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** --local-cluster N: the same demo against a throwaway N-member cluster. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class LocalClusterOptionTest {

    @Test
    void thePocRunsUnchangedOnAThreeMemberCluster() {
        PocRun run = PocRun.of("--local-cluster", "3");

        assertThat(run.out()).as("stdout; stderr: %s", run.err()).isEqualTo(PocOutput.FULL);
        assertThat(run.errLines()).as("one notice").hasSize(1);
        assertThat(run.err()).as("the notice names the etcd version")
            .containsPattern("throwaway 3-member etcd \\d+\\.\\d+\\.\\d+ cluster at http://127\\.0\\.0\\.1:");
        assertThat(run.err().split(",")).as("three endpoints in the notice").hasSize(3);
        assertThat(run.exitCode()).isZero();
    }
}
