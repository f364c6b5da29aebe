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

/** lock: the second worker holds the lock only after the first released it, and a stale holder's fenced write is refused. */
@ExtendWith(EtcdExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LockSectionTest {
    private static final String LOCK_KEYS = "demo/lock/mutex/";
    private static final String RESOURCE = "demo/lock/resource";

    @Test
    void theSecondWorkerAcquiresOnlyAfterTheFirstReleased(EtcdFixture etcd) throws InterruptedException {
        try (Etcd check = new Etcd(etcd.endpoints()); WatchLog log = new WatchLog(check, "demo/lock/")) {
            PocRun run = SectionRuns.runLeavingNothing(etcd, "lock");

            long key1 = number(run, "worker-1 LOCK demo/lock/mutex -> acquired \\(lock key created at revision (\\d+)");
            long key2 = number(run, "worker-2 LOCK demo/lock/mutex -> waiting \\(its lock key, created at revision (\\d+)");
            long released = number(run, "worker-1 UNLOCK -> released at revision (\\d+)");
            assertThat(run.outLines()).as("the story, in order").containsSubsequence(
                "--- Distributed lock ---",
                "worker-1 LOCK demo/lock/mutex -> acquired (lock key created at revision %d)".formatted(key1),
                "worker-1 fenced PUT demo/lock/resource (IF its lock key of revision %d exists) -> written".formatted(key1),
                "worker-2 LOCK demo/lock/mutex -> waiting (its lock key, created at revision %d, queues behind worker-1's)".formatted(key2),
                "worker-1 UNLOCK -> released at revision %d".formatted(released),
                "worker-2 LOCK demo/lock/mutex -> acquired (lock key created at revision %d)".formatted(key2),
                "worker-1 fenced PUT demo/lock/resource (IF its lock key of revision %d exists) -> refused: it no longer holds the lock"
                    .formatted(key1),
                "worker-2 fenced PUT demo/lock/resource (IF its lock key of revision %d exists) -> written".formatted(key2),
                "worker-2 UNLOCK -> released",
                "GET demo/lock/resource = written by worker-2");
            assertThat(key1).as("worker-1 queued first").isLessThan(key2);
            assertThat(key2).as("worker-2 queued before worker-1 released").isLessThan(released);

            // What etcd really stored: worker-2's key waited behind worker-1's, and worker-2 wrote
            // only after worker-1's key was deleted; the stale write by worker-1 never landed.
            List<Change> changes = log.until(c -> c.isDeleteOf(RESOURCE), Duration.ofSeconds(10));
            List<Change> lockKeys = changes.stream().filter(c -> c.isPut() && c.key().startsWith(LOCK_KEYS)).toList();
            assertThat(lockKeys).extracting(Change::revision).as("lock keys created").containsExactly(key1, key2);
            Change release1 = changes.stream().filter(c -> c.isDeleteOf(lockKeys.get(0).key())).findFirst().orElseThrow();
            assertThat(release1.revision()).as("worker-1's lock key deleted when it unlocked").isEqualTo(released);
            List<Change> writes = changes.stream().filter(c -> c.isPut() && c.key().equals(RESOURCE)).toList();
            assertThat(writes).extracting(Change::value).containsExactly("written by worker-1", "written by worker-2");
            assertThat(writes.get(0).revision()).as("worker-1 wrote while holding the lock").isBetween(key1, released);
            assertThat(writes.get(1).revision()).as("worker-2 wrote after worker-1 released").isGreaterThan(released);
        }
    }
}
