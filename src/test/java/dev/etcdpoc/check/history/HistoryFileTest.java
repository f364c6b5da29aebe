package dev.etcdpoc.check.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.etcdpoc.check.Model;
import dev.etcdpoc.check.Operation;
import dev.etcdpoc.check.RecordedHistory;
import dev.etcdpoc.check.RecordedWatch;
import dev.etcdpoc.check.Request;
import dev.etcdpoc.check.Response;
import dev.etcdpoc.check.Verdict;
import dev.etcdpoc.check.WatchEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** History files (docs/check.md, "History files"): what is written reads back the same; a bad line is named. */
class HistoryFileTest {

    private static final List<Operation> CALLS = List.of(
        new Operation(1, 10, 20, new Request.Put("k", "a"), new Response.Written(2)),
        new Operation(2, 11, 21, new Request.Get("k"), new Response.Read("a", 2, 2)),
        new Operation(2, 22, 23, new Request.Get("k"), Response.Read.absent(1)),
        new Operation(3, 12, Long.MAX_VALUE, new Request.Delete("k"), Response.UNKNOWN),
        new Operation(4, 13, 30, new Request.Cas("k", 2, "b"), new Response.Swapped(true, 3)),
        new Operation(4, 31, 32, new Request.Delete("k"), new Response.Deleted(1, 4)),
        new Operation(5, 14, 15, new Request.Put("x", "y"), Response.FAILED),
        new Operation(6, 40, 50, new Request.Put("p", "1"), new Response.Written(5), 7),
        new Operation(6, 40, 50, new Request.Put("q", "2"), new Response.Written(5), 7),
        new Operation(7, 60, 61, new Request.Put("r", "v\"\n<x>"), new Response.Ok()),
        new Operation(7, 62, 63, new Request.Get("r"), new Response.Value(null)),
        new Operation(7, 64, 65, new Request.Delete("r"), new Response.Removed(0)),
        new Operation(7, 66, 67, new Request.CompareAndSet("r", null, "z"), new Response.Compared(true)),
        new Operation(7, 68, 69, new Request.CompareAndSet("r", "z", "w"), new Response.Compared(false)));

    @Test
    void whatIsWrittenReadsBackTheSame(@TempDir Path tmp) throws Exception {
        RecordedWatch watch = new RecordedWatch("1", "p", List.of(
            new RecordedWatch.Segment(2, List.of(List.of(WatchEvent.put(5, "p", "1"))), List.of(55L)),
            new RecordedWatch.Segment(6, List.of(List.of(WatchEvent.delete(7, "p"), WatchEvent.put(7, "q", "3"))), List.of(80L)),
            new RecordedWatch.Segment(8, List.of())));
        RecordedHistory history = new RecordedHistory(CALLS, List.of(watch),
            List.of(new RecordedHistory.Band(12, 40, "leader m0 killed (SIGKILL); restarted")),
            List.of(new RecordedHistory.Mark(33, "failover: replica promoted")));
        Path file = tmp.resolve("history.jsonl");

        HistoryFile.write(file, history);

        assertThat(Files.readAllLines(file)).as("one line per call, watch stream, delivery, fault and mark")
            .hasSize(CALLS.size() + 3 + 2 + 1 + 1);
        assertThat(HistoryFile.read(file)).isEqualTo(history);
    }

    @Test
    void aTeamsOwnCallsNeedOnlyTheDocumentedFields(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("calls.jsonl");
        Files.writeString(file, String.join("\n",
            "{\"client\":1,\"invoked\":0,\"completed\":5,\"op\":\"put\",\"key\":\"x\",\"value\":\"1\",\"outcome\":\"ok\"}",
            "",
            "{\"type\":\"call\",\"client\":2,\"invoked\":6,\"completed\":9,\"op\":\"get\",\"key\":\"x\",\"outcome\":\"ok\",\"found\":\"1\"}",
            "{\"client\":2,\"invoked\":10,\"op\":\"cas\",\"key\":\"x\",\"expect_value\":null,\"value\":\"2\",\"outcome\":\"unknown\"}"));

        assertThat(HistoryFile.read(file)).isEqualTo(RecordedHistory.of(List.of(
            new Operation(1, 0, 5, new Request.Put("x", "1"), new Response.Ok()),
            new Operation(2, 6, 9, new Request.Get("x"), new Response.Value("1")),
            new Operation(2, 10, Long.MAX_VALUE, new Request.CompareAndSet("x", null, "2"), Response.UNKNOWN))));
    }

    @Test
    void theExamplesOfDocsCheckMdAreHistoriesThatHold(@TempDir Path tmp) throws Exception {
        Matcher block = Pattern.compile("```\\n(\\{\"client\".*?)```", Pattern.DOTALL)
            .matcher(Files.readString(Path.of("docs/check.md")));
        int blocks = 0;
        while (block.find()) {
            Path file = tmp.resolve("example" + ++blocks + ".jsonl");
            Files.writeString(file, block.group(1));
            RecordedHistory history = HistoryFile.read(file);
            Model model = block.group(1).contains("\"revision\"") ? Model.ETCD : Model.REGISTER;
            assertThat(Verdict.check(history, model, null).holds()).as("example %s (%s)", blocks, model).isTrue();
        }
        assertThat(blocks).as("examples in docs/check.md").isEqualTo(2);
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
        "{\"client\":1,\"invoked\":0,\"completed\":5,\"op\":\"put\",\"key\":\"x\",\"value\":\"1\",\"outcome\":\"ok\" | line 2: not a JSON object",
        "[1, 2] | line 2: not a JSON object (a line is one JSON object, {...})",
        "{\"client\":1,\"invoked\":0,\"completed\":5,\"key\":\"x\",\"outcome\":\"ok\"} | line 2: 'op' is missing",
        "{\"client\":1,\"invoked\":0,\"completed\":5,\"op\":\"pt\",\"key\":\"x\",\"outcome\":\"ok\"} | line 2: 'op' is 'pt'; one of get, put, delete, cas",
        "{\"client\":1,\"invoked\":0,\"completed\":5,\"op\":\"put\",\"key\":\"x\",\"valeu\":\"1\",\"value\":\"2\",\"outcome\":\"ok\"} | line 2: unknown field 'valeu'",
        "{\"client\":1,\"invoked\":\"soon\",\"completed\":5,\"op\":\"get\",\"key\":\"x\",\"outcome\":\"ok\",\"found\":null} | line 2: 'invoked' is \"soon\"; it takes a whole number",
        "{\"client\":1,\"invoked\":9,\"completed\":5,\"op\":\"get\",\"key\":\"x\",\"outcome\":\"ok\",\"found\":null} | line 2: completed (5) before invoked (9)",
        "{\"client\":1,\"invoked\":0,\"op\":\"get\",\"key\":\"x\",\"outcome\":\"ok\",\"found\":null} | line 2: 'completed' is missing",
        "{\"client\":1,\"invoked\":0,\"completed\":3,\"op\":\"put\",\"key\":\"x\",\"value\":\"1\",\"outcome\":\"unknown\"} | line 2: an unknown outcome has no 'completed'",
        "{\"client\":1,\"invoked\":0,\"completed\":5,\"op\":\"cas\",\"key\":\"x\",\"value\":\"1\",\"outcome\":\"ok\",\"succeeded\":true} | line 2: a cas compares one thing",
        "{\"client\":1,\"invoked\":0,\"completed\":5,\"op\":\"get\",\"key\":\"x\",\"outcome\":\"ok\",\"found\":\"a\",\"mod_revision\":7,\"revision\":3} | line 2: mod revision 7 above header revision 3",
        "{\"type\":\"delivery\",\"watch\":\"1\",\"segment\":1,\"events\":[]} | line 2: a delivery of watch 1 segment 1 before the line that opens it",
        "{\"type\":\"fault\",\"from\":9,\"to\":1,\"label\":\"x\"} | line 2: a band ends (1) before it starts (9)"})
    void aMalformedLineIsNamedWithWhatIsWrong(String line, String expected, @TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("bad.jsonl");
        Files.writeString(file, "{\"client\":1,\"invoked\":0,\"completed\":5,\"op\":\"put\",\"key\":\"x\",\"value\":\"0\",\"outcome\":\"ok\"}\n"
            + line + "\n", StandardCharsets.UTF_8);

        assertThatThrownBy(() -> HistoryFile.read(file)).isInstanceOf(HistoryFile.Malformed.class)
            .hasMessageStartingWith(expected).hasMessageNotContaining("\n");
    }
}
