package dev.etcdpoc.sections;

import static dev.etcdpoc.core.Bytes.bytes;
import static dev.etcdpoc.support.SectionRuns.number;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.etcdpoc.support.Etcd;
import dev.etcdpoc.support.EtcdExtension;
import dev.etcdpoc.support.EtcdFixture;
import dev.etcdpoc.support.PocRun;
import dev.etcdpoc.support.SectionRuns;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * history: old revisions can be read and replayed until compaction; below the compaction both are
 * refused. The section compacts only when allowed: the user's older revisions stay readable otherwise.
 *
 * <p>With --compact-history these runs compact the etcd every test shares. That harms no other test
 * only because none reads or watches a revision older than its own start ("now + 1"); keep it that way.
 */
@ExtendWith(EtcdExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HistorySectionTest {
    private static final String KEY = "demo/history/config";

    @Test
    void oldRevisionsReadAndReplayUntilCompactedThenAreRefused(EtcdFixture etcd) throws Exception {
        PocRun run = SectionRuns.runLeavingNothing(etcd, "history", "--compact-history");

        long v1 = number(run, "PUT demo/history/config = v1 \\(revision (\\d+)");
        long v2 = number(run, "PUT demo/history/config = v2 \\(revision (\\d+)");
        long v3 = number(run, "PUT demo/history/config = v3 \\(revision (\\d+)");
        long compacted = number(run, "COMPACT at revision (\\d+)");
        // Other clients write all along: v4 comes after the compaction point, not necessarily right after it.
        long v4 = number(run, "\"v4\" \\(Put\\) at revision (\\d+)");
        assertThat(v1).isLessThan(v2);
        assertThat(v2).isLessThan(v3);
        assertThat(compacted).as("compacted at the latest write").isEqualTo(v3);
        assertThat(run.outLines()).as("the story, in order").containsSubsequence(
            "--- MVCC history ---",
            "GET demo/history/config at revision %d = v1".formatted(v1),
            "GET demo/history/config at revision %d = v2".formatted(v2),
            "GET demo/history/config at revision %d = v3".formatted(v3),
            "WATCH demo/history/ from revision %d replays the past, in order:".formatted(v1),
            "  Watch event: demo/history/config -> \"v1\" (Put) at revision %d".formatted(v1),
            "  Watch event: demo/history/config -> \"v2\" (Put) at revision %d".formatted(v2),
            "  Watch event: demo/history/config -> \"v3\" (Put) at revision %d".formatted(v3),
            "COMPACT at revision %d (history before it is gone)".formatted(compacted),
            "GET demo/history/config at revision %d -> refused: revision compacted (oldest kept: revision %d)".formatted(v1, compacted),
            "WATCH demo/history/ from revision %d -> refused: revision compacted (oldest kept: revision %d)".formatted(v1, compacted),
            "WATCH demo/history/ from revision %d (the compaction point) works again:".formatted(compacted),
            "  Watch event: demo/history/config -> \"v3\" (Put) at revision %d".formatted(compacted),
            "  Watch event: demo/history/config -> \"v4\" (Put) at revision %d".formatted(v4));
        assertThat(v4).as("v4, written after the compaction").isGreaterThan(compacted);

        // etcd itself, asked by the test's own client, refuses that history too.
        try (Etcd check = new Etcd(etcd.endpoints())) {
            assertThatThrownBy(() -> check.await(check.client().getKVClient().get(bytes(KEY),
                GetOption.builder().withRevision(v1).build())))
                .as("a GET below the compaction").hasMessageContaining("required revision has been compacted");

            CompletableFuture<Throwable> refusal = new CompletableFuture<>();
            try (Watch.Watcher watcher = check.client().getWatchClient().watch(bytes(KEY),
                WatchOption.builder().withRevision(v1).build(),
                Watch.listener(response -> refusal.completeExceptionally(new AssertionError("replayed " + response.getEvents())),
                    refusal::complete))) {
                assertThat(refusal.get(10, TimeUnit.SECONDS)).as("a watch below the compaction")
                    .isInstanceOf(CompactedException.class)
                    .matches(e -> ((CompactedException) e).getCompactedRevision() >= compacted);
            }
        }
    }
}
