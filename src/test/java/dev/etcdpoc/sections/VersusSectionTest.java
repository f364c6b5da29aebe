package dev.etcdpoc.sections;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdpoc.support.PocProcess;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The versus section's quick facts: not in {@code all}; without a Redis to start it says what to install
 * in one line and exits 1 at once, before it starts anything (a real process: the exit path is Main's).
 * Its runs are in {@link VersusSectionFaultTest}; --endpoints with it is a row of BadInputTest.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class VersusSectionTest {

    @Test
    void versusIsNotInAll() {
        assertThat(Sections.forAll()).extracting(Sections.Entry::name).doesNotContain("versus");
    }

    @Test
    void withoutARedisServerItSaysWhatToInstallInOneLine() throws Exception {
        // REDIS_BINARY naming nothing: no fall back to the project's .redis/ or the PATH.
        Process poc = PocProcess.start(Map.of("REDIS_BINARY", "/nonexistent/redis-server"), "versus");
        String out = new String(poc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(poc.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(poc.waitFor(30, TimeUnit.SECONDS)).isTrue();

        assertThat(poc.exitValue()).as("exit code; stderr: %s", err).isEqualTo(1);
        assertThat(err.lines()).as("stderr").containsExactly("poc: no redis-server to start (REDIS_BINARY, else .redis/bin/redis-server, "
            + "else the PATH): run scripts/install-redis.sh (Debian bookworm's Redis 7.0 into .redis/)");
        assertThat(out).as("nothing started: no system's title on stdout").doesNotContain("etcd 3.", "Redis 7.");
    }
}
