package dev.etcdpoc;

import static dev.etcdpoc.support.Assertions.assertOneLineFailure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdpoc.local.LocalEtcd;
import dev.etcdpoc.support.Compactor;
import dev.etcdpoc.support.PocLaunch;
import dev.etcdpoc.support.PocRun;
import dev.etcdpoc.support.SectionRuns;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Another client compacts the etcd to its current revision every 100 ms while the demo runs. A lock or campaign that
 * etcd refuses as compacted is sent again with the same lease, so every section passes with its exact output; only
 * the history section's replay, which asks for old revisions by design, may find them gone, and then says so in one
 * line.
 */
@Tag("fault")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ForeignCompactionTest {
    /** Every section that starts no cluster of its own, but history (and auth, which needs auth on). */
    private static final String[] SECTIONS = {"crud", "watch", "txn", "cas", "lease", "lock", "election", "config", "stm"};
    private static LocalEtcd etcd;

    @BeforeAll
    static void start() {
        etcd = LocalEtcd.start(1);
    }

    @AfterAll
    static void stop() {
        etcd.close();
    }

    @Test
    void everySectionPassesWithItsExactOutputWhileAnotherClientCompacts() {
        String expected = SectionRuns.withRevisionsMasked(run(SECTIONS).out());
        try (Compactor compactor = new Compactor(etcd.endpoints(), 100)) {
            for (int i = 1; i <= 3; i++) {
                PocRun run = run(SECTIONS);

                assertThat(run.exitCode()).as("exit code of run %d; stderr: %s", i, run.err()).isZero();
                assertThat(run.err()).as("stderr of run %d", i).isEmpty();
                assertThat(SectionRuns.withRevisionsMasked(run.out())).as("stdout of run %d", i).isEqualTo(expected);
            }
            assertThat(compactor.compactions()).as("compactions meanwhile").isGreaterThan(10);
        }
    }

    @Test
    void theHistorySectionPassesOrSaysAnotherClientCompactedWhatItReplays() {
        for (int i = 1; i <= 3; i++) {
            assertPassesOrSaysCompacted(historyUnderCompaction(etcd, PocLaunch.IN_TEST_JVM));
        }
    }

    /** The history section on {@code etcd} while another client compacts it every 100 ms. */
    static PocRun historyUnderCompaction(LocalEtcd etcd, PocLaunch poc) {
        try (Compactor compactor = new Compactor(etcd.endpoints(), 100)) {
            return poc.run("-e", etcd.endpoints().toString(), "history");
        }
    }

    static void assertPassesOrSaysCompacted(PocRun run) {
        if (run.exitCode() != 0) {
            assertOneLineFailure(run, 1, Duration.ofSeconds(30), "is compacted", "another client compacted this etcd during the run",
                "Run again when nothing compacts this etcd so often");
        } else {
            assertThat(run.err()).as("stderr of a run that passed").isEmpty();
        }
    }

    private static PocRun run(String... sections) {
        String[] args = new String[sections.length + 2];
        args[0] = "-e";
        args[1] = etcd.endpoints().toString();
        System.arraycopy(sections, 0, args, 2, sections.length);
        return PocLaunch.IN_TEST_JVM.run(args);
    }
}
