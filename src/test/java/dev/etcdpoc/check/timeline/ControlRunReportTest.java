package dev.etcdpoc.check.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdpoc.support.PocLaunch;
import dev.etcdpoc.support.PocRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report of a real control run ({@code check --serializable-reads --report FILE}), opened in headless Chromium:
 * the stale read the control makes certain is drawn as the witness of key check/stale, its calls outlined and named,
 * its why beside them.
 */
@Tag("browser")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ControlRunReportTest {

    @Test
    void theControlsStaleReadIsDrawnAsItsWitness(@TempDir Path tmp) throws Exception {
        HeadlessChromium.binary();
        Path page = tmp.resolve("control.html");

        PocRun run = PocLaunch.IN_TEST_JVM.fresh(List.of("-Djava.io.tmpdir=" + tmp), Map.of(),
            "check", "--serializable-reads", "--duration", "10s", "--report", page.toString());

        assertThat(run.exitCode()).as("exit code; stdout:%n%s%nstderr:%n%s", run.out(), run.err()).isZero();
        assertThat(run.out()).contains("Control: the stale read was caught, as it had to be:", "Timeline report written to " + page);
        String dom = HeadlessChromium.dom(page, tmp, "#witness=check/stale");
        assertThat(dom).as("the script ran to its end").contains("data-rendered=\"true\"");
        assertThat(dom).as("the stale key's finding").containsPattern("key check/stale: NOT linearizable; smallest history that shows it \\(\\d operations\\)");
        assertThat(count(dom, "<rect class=\"call ok witness\" data-call=\"\\d+\"[^>]*data-witness=\"true\"")).as("witness calls outlined")
            .isGreaterThanOrEqualTo(2);
        assertThat(dom).as("the stale read named").containsPattern("<text class=\"witness-label\"[^>]*>client \\d+ \\[[\\d.]+ \\.\\. [\\d.]+ ms\\] "
            + "get\\(check/stale\\) -&gt; c\\d+\\.1@rev\\d+");
        assertThat(dom).as("its why").containsPattern("<text class=\"why-label\"[^>]*>why: get returned c\\d+\\.1@rev\\d+ but the latest write "
            + "completed before it was");
        assertThat(Files.size(page)).as("a page, self-contained").isPositive();
    }

    private static int count(String text, String regex) {
        return (int) Pattern.compile(regex).matcher(text).results().count();
    }
}
