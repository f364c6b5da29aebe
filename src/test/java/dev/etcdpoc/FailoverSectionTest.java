package dev.etcdpoc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdpoc.support.PocRun;
import java.io.File;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The failover section end to end: its closing facts, and nothing left running or on disk. */
@Tag("fault")
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class FailoverSectionTest {

    @Test
    void killsLeaderAndQuorumWithoutLosingAcknowledgedWrites() {
        Set<Long> etcdBefore = etcdChildren();
        Set<String> dirsBefore = tempDirs();

        PocRun run = PocRun.of("failover");

        assertThat(run.err()).as("stderr").isEmpty();
        assertThat(run.exitCode()).as("exit code; stdout:%n%s", run.out()).isZero();
        Matcher acked = find(run.out(), "^Acknowledged writes (\\d+), lost 0$");
        int writes = Integer.parseInt(acked.group(1));
        assertThat(writes).as("writes before the kill + after the election + after the restart").isGreaterThanOrEqualTo(120);
        find(run.out(), "^Watch events " + writes + ", gaps 0, duplicates 0, out of order 0 \\(watch reopened \\d+ time\\(s\\)\\)$");
        find(run.out(), "^No-quorum writes refused in \\d+ ms$");
        find(run.out(), "^Linearizable read: " + writes + " of " + writes + " acknowledged writes present, values intact$");
        String killed = find(run.out(), "^Killed the leader (m\\d) \\(SIGKILL\\) after \\d+ acknowledged writes$").group(1);
        String elected = find(run.out(), "^New leader: (m\\d); writes paused for \\d+ ms, then went on$").group(1);
        assertThat(elected).as("the new leader is another member").isNotEqualTo(killed);
        find(run.out(), "^PUT demo/failover/probe without quorum -> refused: .+$");
        find(run.out(), "^Restarted (m\\d) and (m\\d): PUT demo/failover/probe -> ok$");

        assertThat(etcdChildren()).as("etcd processes left by the section").isEqualTo(etcdBefore);
        assertThat(tempDirs()).as("etcd temp dirs left by the section").isEqualTo(dirsBefore);
    }

    private static Matcher find(String text, String regex) {
        Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(text);
        assertThat(m.find()).as("a line matching %s in:%n%s", regex, text).isTrue();
        return m;
    }

    private static Set<Long> etcdChildren() {
        return ProcessHandle.current().descendants()
            .filter(p -> p.info().command().map(c -> c.endsWith("/etcd")).orElse(false))
            .map(ProcessHandle::pid).collect(Collectors.toSet());
    }

    private static Set<String> tempDirs() {
        File[] dirs = new File(System.getProperty("java.io.tmpdir")).listFiles((d, name) -> name.startsWith("etcd-poc-"));
        return dirs == null ? Set.of() : Stream.of(dirs).map(File::getName).collect(Collectors.toSet());
    }
}
