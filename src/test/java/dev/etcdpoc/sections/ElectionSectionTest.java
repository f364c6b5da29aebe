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

/** election: candidate-1 leads; when it resigns, candidate-2, which was already in line, takes over. */
@ExtendWith(EtcdExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ElectionSectionTest {
    private static final String CANDIDATE_KEYS = "demo/election/leader/";

    @Test
    void theSecondCandidateLeadsAfterTheFirstResigns(EtcdFixture etcd) throws InterruptedException {
        try (Etcd check = new Etcd(etcd.endpoints()); WatchLog log = new WatchLog(check, "demo/election/")) {
            PocRun run = SectionRuns.runLeavingNothing(etcd, "election");

            long key1 = number(run, "candidate-1 CAMPAIGN demo/election/leader -> leader \\(leader key created at revision (\\d+)");
            long key2 = number(run, "candidate-2 CAMPAIGN demo/election/leader -> waiting \\(its key, created at revision (\\d+)");
            long resigned = number(run, "candidate-1 RESIGN -> at revision (\\d+)");
            assertThat(run.outLines()).as("the story, in order").containsSubsequence(
                "--- Leader election ---",
                "candidate-1 CAMPAIGN demo/election/leader -> leader (leader key created at revision %d)".formatted(key1),
                "observer: the leader is candidate-1",
                "candidate-2 CAMPAIGN demo/election/leader -> waiting (its key, created at revision %d, is behind candidate-1's)"
                    .formatted(key2),
                "candidate-1 RESIGN -> at revision %d".formatted(resigned),
                "candidate-2 CAMPAIGN demo/election/leader -> leader (leader key created at revision %d)".formatted(key2),
                "observer: the leader is candidate-2",
                "LEADER demo/election/leader = candidate-2",
                "candidate-2 RESIGN");

            // What etcd really stored. etcd's leader is the live candidate key with the lowest create
            // revision: candidate-1's until it was deleted; from then on only candidate-2's was left.
            List<Change> changes = log.until(c -> !c.isPut() && c.revision() > resigned, Duration.ofSeconds(10));
            assertThat(changes).allMatch(c -> c.key().startsWith(CANDIDATE_KEYS), "only candidate keys change");
            assertThat(changes).extracting(c -> c.isPut() ? "PUT " + c.value() : "DELETE").containsExactly(
                "PUT candidate-1", "PUT candidate-2", "DELETE", "DELETE");
            Change put1 = changes.get(0);
            Change put2 = changes.get(1);
            assertThat(put1.revision()).isEqualTo(key1);
            assertThat(put2.revision()).isEqualTo(key2).isGreaterThan(key1);
            assertThat(put1.lease()).as("each candidate campaigns with its own lease").isNotZero().isNotEqualTo(put2.lease());
            assertThat(changes.get(2)).as("candidate-1's key goes first, while candidate-2's is in line")
                .matches(c -> c.isDeleteOf(put1.key()) && c.revision() == resigned);
            assertThat(changes.get(3)).as("candidate-2's key goes last: it led in between")
                .matches(c -> c.isDeleteOf(put2.key()));
        }
    }
}
