package dev.etcdpoc.sections;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdpoc.support.PocProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The failover section end to end, as a user runs it: its closing facts, and nothing left running or on disk. */
@Tag("fault")   // it kills members of its own cluster; AuthSectionTest runs failover within `all` in mvn verify
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class FailoverSectionTest {

    @Test
    void killsLeaderAndQuorumWithoutLosingAcknowledgedWrites(@TempDir Path tmp) throws Exception {
        // Its own temp dir, so what the section leaves there is told apart from other runs' files.
        Process poc = PocProcess.start(List.of("-Djava.io.tmpdir=" + tmp), Map.of(), "failover");
        String out = new String(poc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(poc.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(poc.waitFor(120, TimeUnit.SECONDS)).isTrue();

        assertThat(err).as("stderr").isEmpty();
        assertThat(poc.exitValue()).as("exit code; stdout:%n%s", out).isZero();
        int writes = Integer.parseInt(find(out, "^Acknowledged writes (\\d+), lost 0$").group(1));
        assertThat(writes).as("writes before the kill + after the election + after the restart").isGreaterThanOrEqualTo(120);
        find(out, "^Watch events " + writes + ", gaps 0, duplicates 0, out of order 0 \\(watch reopened \\d+ time\\(s\\)\\)$");
        find(out, "^No-quorum writes refused in \\d+ ms$");
        find(out, "^Linearizable read: " + writes + " of " + writes + " acknowledged writes present, values intact$");
        String killed = find(out, "^Killed the leader (m\\d) \\(SIGKILL\\) after \\d+ acknowledged writes$").group(1);
        String elected = find(out, "^New leader: (m\\d); writes paused for \\d+ ms, then went on$").group(1);
        assertThat(elected).as("the new leader is another member").isNotEqualTo(killed);
        find(out, "^PUT demo/failover/probe without quorum -> refused: .+$");
        find(out, "^Restarted (m\\d) and (m\\d): PUT demo/failover/probe -> ok$");

        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left.filter(p -> p.getFileName().toString().startsWith("etcd-poc-")))
                .as("etcd data dirs left behind").isEmpty();
        }
        assertThat(ProcessHandle.allProcesses()
            .filter(p -> p.info().arguments().map(a -> String.join(" ", a).contains(tmp.toString())).orElse(false)))
            .as("etcd processes left behind").isEmpty();
    }

    private static Matcher find(String text, String regex) {
        Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(text);
        assertThat(m.find()).as("a line matching %s in:%n%s", regex, text).isTrue();
        return m;
    }
}
