package dev.etcdpoc.check.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdpoc.check.KeyVerdict;
import dev.etcdpoc.check.Linearizability;
import dev.etcdpoc.check.Model;
import dev.etcdpoc.check.Operation;
import dev.etcdpoc.check.RecordedHistory;
import dev.etcdpoc.check.RecordedWatch;
import dev.etcdpoc.check.Request;
import dev.etcdpoc.check.Response;
import dev.etcdpoc.check.Verdict;
import dev.etcdpoc.check.WatchEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The timeline report opened in a real browser (Debian's chromium-headless-shell, which .ci/run installs;
 * without it the test fails and says so): the page's script draws every call, fault and delivery, and the
 * violation's witness is outlined and named, with its why, on a page that holds two timelines. Tagged
 * {@code browser}: {@code mvn verify} needs no browser; {@code mvn surefire:test -Pbrowser} runs it.
 */
@Tag("browser")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TimelineReportTest {

    private static final long MS = 1_000_000;

    private static Operation op(int client, long from, long to, Request request, Response response) {
        return new Operation(client, from * MS, to == Long.MAX_VALUE ? to : to * MS, request, response);
    }

    @Test
    void theWitnessIsDrawnAndNamedWithItsWhy(@TempDir Path tmp) throws Exception {
        HeadlessChromium.binary();
        List<Operation> calls = List.of(
            op(1, 0, 1, new Request.Put("k", "a"), new Response.Written(2)),
            op(2, 2, 3, new Request.Put("k", "b"), new Response.Written(3)),
            op(3, 4, 5, new Request.Get("k"), new Response.Read("a", 2, 3)),
            op(1, 6, 7, new Request.Put("other", "x"), new Response.Written(4)),
            op(2, 8, Long.MAX_VALUE, new Request.Put("other", "y"), Response.UNKNOWN),
            op(4, 9, 10, new Request.Get("other"), Response.FAILED));
        RecordedWatch watch = new RecordedWatch("1", "", List.of(new RecordedWatch.Segment(2,
            List.of(List.of(WatchEvent.put(2, "k", "a")), List.of(WatchEvent.put(3, "k", "b")),
                List.of(WatchEvent.put(4, "other", "x"))),
            List.of(2 * MS, 4 * MS, 8 * MS))));
        RecordedHistory etcd = new RecordedHistory(calls, List.of(watch),
            List.of(new RecordedHistory.Band(1 * MS, 5 * MS, "leader m0 frozen (SIGSTOP); thawed")),
            List.of(new RecordedHistory.Mark(4 * MS, "the stale read")));
        Verdict verdict = Verdict.check(etcd, Model.ETCD, null);
        KeyVerdict stale = verdict.linearizability().keys().get(0);
        assertThat(stale.status()).isEqualTo(KeyVerdict.Status.NOT_LINEARIZABLE);
        RecordedHistory register = RecordedHistory.of(List.of(
            op(1, 0, 1, new Request.Put("r", "1"), new Response.Ok()),
            op(2, 2, 3, new Request.Get("r"), new Response.Value("1"))));
        Path page = tmp.resolve("report.html");

        TimelineReport.write(page, List.of(Timeline.of("etcd, a planted stale read", etcd, verdict),
            Timeline.of("a register", register, Linearizability.check(register.operations(), Model.REGISTER))));
        String dom = HeadlessChromium.dom(page, tmp, "");

        assertThat(Files.readString(page)).as("self-contained: nothing fetched").doesNotContain("src=", "href=\"http");
        assertThat(dom).as("the script ran to its end").contains("data-rendered=\"true\"");
        assertThat(count(dom, "<svg [^>]*data-timeline=\"\\d\"")).as("two timelines on the page").isEqualTo(2);
        assertThat(count(dom, "<rect class=\"call (ok|failed|unknown)")).as("every call drawn").isEqualTo(calls.size() + 2);
        assertThat(count(dom, "<rect class=\"fault\"")).as("the fault's band").isEqualTo(1);
        assertThat(count(dom, "<rect class=\"delivery\"")).as("the watch's deliveries").isEqualTo(3);
        assertThat(dom).contains(">the stale read</text>");
        long origin = verdict.linearizability().origin();
        for (Operation witness : stale.witness()) {
            int id = calls.indexOf(witness);
            assertThat(dom).as("witness call %s drawn and outlined", id)
                .containsPattern("<rect class=\"call ok witness\" data-call=\"" + id + "\"[^>]*data-witness=\"true\"");
            assertThat(dom).as("witness call %s named", id)
                .contains("<text class=\"witness-label\" data-call=\"" + id + "\"")
                .contains(">" + escaped(witness.line(origin)) + "</text>");
        }
        assertThat(stale.witness()).contains(calls.get(2));
        assertThat(dom).containsPattern("<text class=\"why-label\"[^>]*>" + Pattern.quote(escaped("why: " + stale.reason()))
            + "</text>");
        assertThat(count(dom, "data-witness=\"true\"")).isEqualTo(stale.witness().size());
    }

    private static int count(String text, String regex) {
        return (int) Pattern.compile(regex).matcher(text).results().count();
    }

    /** As the DOM is printed: text with its &lt; and &gt; escaped. */
    private static String escaped(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
