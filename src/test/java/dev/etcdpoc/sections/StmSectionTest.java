package dev.etcdpoc.sections;

import static dev.etcdpoc.support.SectionRuns.number;
import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdpoc.support.EtcdExtension;
import dev.etcdpoc.support.EtcdFixture;
import dev.etcdpoc.support.PocRun;
import dev.etcdpoc.support.SectionRuns;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** stm: the conflicting transfer runs again and commits after the other; the total stays what it was; nothing is left. */
@ExtendWith(EtcdExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StmSectionTest {
    @Test
    void theSecondTransferRunsAgainAndTheTotalStays(EtcdFixture etcd) {
        PocRun run = SectionRuns.runLeavingNothing(etcd, "stm");

        long first = number(run, "transfer-1 commits at revision (\\d+)");
        long second = number(run, "transfer-2 commits at revision (\\d+)");
        assertThat(run.outLines()).as("the story, in order").containsSubsequence(
            "--- Software transactional memory (STM) ---",
            "transfer-1 alice -> bob 30: reads alice = 100, bob = 100",
            "transfer-2 alice -> carol 50: reads alice = 100, carol = 100",
            "transfer-1 commits at revision %d (attempt 1)".formatted(first),
            "transfer-2 is refused (alice changed since its read) and runs again: reads alice = 70, carol = 100",
            "transfer-2 commits at revision %d (attempt 2)".formatted(second),
            "12 more transfers at once, on 4 threads: 12 committed",
            "GET demo/stm/: alice = 50, bob = 135, carol = 115 (total 300)");
        assertThat(second).as("the refused transfer committed after the other").isGreaterThan(first);
    }
}
