package dev.etcdpoc.sections;

import static dev.etcdpoc.support.SectionRuns.number;
import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdpoc.support.Change;
import dev.etcdpoc.support.Etcd;
import dev.etcdpoc.support.EtcdExtension;
import dev.etcdpoc.support.EtcdFixture;
import dev.etcdpoc.support.PocRun;
import dev.etcdpoc.support.SectionRuns;
import dev.etcdpoc.support.WatchLog;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** cas: of two writers that read the same revision, one writes, the other is refused and retries from the winner's value. */
@ExtendWith(EtcdExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CasSectionTest {
    private static final String KEY = "demo/cas/replicas";

    @Test
    void theLoserIsRefusedAndRetriesFromTheWinnersValue(EtcdFixture etcd) throws InterruptedException {
        try (Etcd check = new Etcd(etcd.endpoints()); WatchLog log = new WatchLog(check, "demo/cas/")) {
            PocRun run = SectionRuns.runLeavingNothing(etcd, "cas");

            long initial = number(run, "PUT demo/cas/replicas = 3 \\(mod revision (\\d+)");
            long winner = number(run, "PUT 4 -> written \\(mod revision (\\d+)");
            long retry = number(run, "PUT 6 -> written \\(mod revision (\\d+)");
            assertThat(run.outLines()).as("the story, in order").containsSubsequence(
                "--- Compare-and-swap (optimistic concurrency) ---",
                "writer-a reads replicas = 3 (mod revision %d)".formatted(initial),
                "writer-b reads replicas = 3 (mod revision %d)".formatted(initial),
                "writer-a: IF mod revision == %d THEN PUT 4 -> written (mod revision %d)".formatted(initial, winner),
                "writer-b: IF mod revision == %d THEN PUT 5 -> refused: changed since its read".formatted(initial),
                "writer-b re-reads replicas = 4 (mod revision %d) and retries".formatted(winner),
                "writer-b: IF mod revision == %d THEN PUT 6 -> written (mod revision %d)".formatted(winner, retry),
                "GET demo/cas/replicas = 6 (3 + 1 + 2: both updates applied, none lost)");
            assertThat(winner).as("the winner writes after the read").isGreaterThan(initial);
            assertThat(retry).as("the retry writes after the winner").isGreaterThan(winner);

            // What etcd really stored: the refused 5 never, and the winner's 4 before the retry's 6.
            List<Change> stored = log.until(c -> c.isDeleteOf(KEY), Duration.ofSeconds(10));
            assertThat(stored).filteredOn(Change::isPut).extracting(Change::value).containsExactly("3", "4", "6");
            assertThat(stored).filteredOn(c -> c.isPut() && c.value().equals("4")).extracting(Change::revision)
                .as("the winner's write is the one the section printed").containsExactly(winner);
        }
    }
}
