package dev.etcdpoc.sections;

import static dev.etcdpoc.core.Bytes.bytes;
import static dev.etcdpoc.core.Bytes.text;
import static dev.etcdpoc.support.Assertions.assertOneLineFailure;
import static dev.etcdpoc.support.SectionRuns.number;
import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdpoc.support.Etcd;
import dev.etcdpoc.support.EtcdExtension;
import dev.etcdpoc.support.EtcdFixture;
import dev.etcdpoc.support.PocRun;
import dev.etcdpoc.support.SectionRuns;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** config: the section's story on the etcd the suite shares with other clients, and its refusal of keys it did not write. */
@ExtendWith(EtcdExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConfigSectionTest {
    private static final Duration BOUND = Duration.ofSeconds(30);

    @Test
    void theCacheFollowsEveryChangeAndAResumedWatchMissesNothing(EtcdFixture etcd) {
        PocRun first = SectionRuns.runLeavingNothing(etcd, "config");

        long created = number(first, "feature-x = off \\(revision (\\d+)\\)");
        // Other clients write all along: the load may see a later revision than the create.
        long loaded = number(first, "LOAD demo/config/: 3 keys at revision (\\d+)");
        long timeout = number(first, "PUT demo/config/timeout-ms = 800 \\(revision (\\d+)\\)");
        long retries = number(first, "PUT demo/config/retries = 5 \\(revision (\\d+)\\)");
        long deleted = number(first, "DELETE demo/config/feature-x \\(revision (\\d+)\\)");
        long last = number(first, "PUT demo/config/retries = 7 \\(revision (\\d+)\\)");
        assertThat(first.outLines()).as("the story, in order").containsSubsequence(
            "--- Live configuration (a watch-fed cache) ---",
            "PUT demo/config/timeout-ms = 500, demo/config/retries = 3, demo/config/feature-x = off (revision %d)".formatted(created),
            "LOAD demo/config/: 3 keys at revision %d".formatted(loaded),
            "  demo/config/feature-x = off",
            "  demo/config/retries = 3",
            "  demo/config/timeout-ms = 500",
            "WATCH demo/config/ from revision %d".formatted(loaded + 1),
            "  cache at revision %d: demo/config/timeout-ms 500 -> 800".formatted(timeout),
            "  cache at revision %d: demo/config/retries 3 -> 5".formatted(retries),
            "  cache at revision %d: demo/config/feature-x off -> (deleted)".formatted(deleted),
            "Watch cut at revision %d (as when its member dies); the cache watches again from revision %d".formatted(deleted, deleted + 1),
            "  cache at revision %d: demo/config/retries 5 -> 7".formatted(last),
            "GET demo/config/ at revision %d: 2 keys, the same as the cache: nothing missed (watch resumed 1 time(s))".formatted(last),
            "Cache equals a linearizable GET demo/config/: 2 keys, demo/config/retries = 7, demo/config/timeout-ms = 800");
        assertThat(loaded).as("the load, at or after the create").isGreaterThanOrEqualTo(created).isLessThan(timeout);
        assertThat(List.of(created, timeout, retries, deleted, last)).as("one revision per write, in order").isSorted()
            .doesNotHaveDuplicates();

        PocRun second = SectionRuns.runLeavingNothing(etcd, "config");
        assertThat(SectionRuns.withRevisionsMasked(second.out())).as("the second run tells the same story")
            .isEqualTo(SectionRuns.withRevisionsMasked(first.out()));
    }

    @Test
    void keysItDidNotWriteStopTheSectionAndAreLeftAlone(EtcdFixture etcd) {
        try (Etcd check = new Etcd(etcd.endpoints())) {
            check.await(check.client().getKVClient().put(bytes("demo/config/someone-elses"), bytes("keep me")));
            try {
                PocRun run = PocRun.of("-e", etcd.endpoints().toString(), "config");

                assertOneLineFailure(run, 1, BOUND, "found 1 key that this demo would overwrite or delete (demo/config/someone-elses)");
                assertThat(check.count("demo/config/")).as("keys under demo/config/ after the refusal").isOne();
                assertThat(text(check.await(check.client().getKVClient().get(bytes("demo/config/someone-elses"))).getKvs().get(0)
                    .getValue())).isEqualTo("keep me");
            } finally {
                check.await(check.client().getKVClient().delete(bytes("demo/config/someone-elses")));
            }
        }
    }
}
