package dev.etcdpoc.checkrun;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdpoc.check.KeyVerdict;
import dev.etcdpoc.check.RecordedHistory;
import dev.etcdpoc.check.history.HistoryFile;
import dev.etcdpoc.support.PocRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import dev.etcdpoc.check.Operation;
import dev.etcdpoc.check.Request;
import dev.etcdpoc.check.Response;
import dev.etcdpoc.check.Verdict;
import dev.etcdpoc.connect.ClientFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The checker has teeth on a real history: a short run of the check (a real cluster, a leader killed) is
 * recorded in this JVM and found linearizable; then one of its reads is rewritten to return an older
 * value of its key, and the checker must name that read. The same through a history file: the run saved
 * and checked again with {@code poc check-history} gives the same verdict, and with that one answer edited
 * in the file, a witness of at most 5 calls that holds the edited read.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PlantedViolationTest {

    /** A read, rewritten to see the value {@code older} wrote instead of the newer one it saw. */
    private record Plant(Operation read, Operation older) {
        Operation rewritten() {
            Response.Read saw = (Response.Read) read.response();
            Request.Put put = (Request.Put) older.request();
            return new Operation(read.client(), read.invoked(), read.completed(), read.request(),
                new Response.Read(put.value(), revisionMade(older).orElseThrow(), saw.revision()));
        }
    }

    @Test
    void aReadRewrittenToAnOlderValueIsCaughtAndNamed(@TempDir Path tmp) throws Exception {
        CheckRun.Recording recording = CheckRun.record(new CheckPlan(3, Duration.ofSeconds(4), 1, false),
            new ClientFactory(Duration.ofSeconds(5)), line -> { });
        Verdict recorded = recording.verdict();
        assertThat(recorded.holds()).as("the real run, as recorded: %s", recorded.lines()).isTrue();
        Path file = tmp.resolve("run.jsonl");
        HistoryFile.write(file, recording.recorded());
        PocRun again = PocRun.of("check-history", file.toString());
        assertThat(again.exitCode()).as("checked again from the file: %s %s", again.out(), again.err()).isZero();
        assertThat(again.outLines()).contains("Verdict: " + recording.history().size() + " operations on "
            + recorded.linearizability().keys().size() + " keys: " + recorded.headline());

        Plant plant = findPlant(recording.history());
        List<Operation> planted = new ArrayList<>(recording.history());
        planted.set(planted.indexOf(plant.read()), plant.rewritten());
        Verdict verdict = recording.withHistory(planted).verdict();

        assertThat(verdict.holds()).isFalse();
        KeyVerdict key = verdict.linearizability().keys().stream().filter(k -> k.key().equals(plant.read().key()))
            .findFirst().orElseThrow();
        assertThat(key.status()).as("the planted key: %s", verdict.lines()).isEqualTo(KeyVerdict.Status.NOT_LINEARIZABLE);
        assertThat(key.witness()).as("the witness names the rewritten read").contains(plant.rewritten());
        assertThat(verdict.linearizability().keys(KeyVerdict.Status.NOT_LINEARIZABLE)).as("only the planted key").hasSize(1);
        assertThat(verdict.watches().holds()).as("the watches, untouched").isTrue();

        String line = new ObjectLine(plant.read()).text();
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).as("the read's line in the file").contains(line);
        lines.set(lines.indexOf(line), new ObjectLine(plant.rewritten()).text());
        Files.write(file, lines);
        PocRun edited = PocRun.of("check-history", file.toString());
        assertThat(edited.exitCode()).as("the file with one answer edited: %s", edited.out()).isEqualTo(1);
        String size = edited.out().replaceAll("(?s).*  key " + Pattern.quote(plant.read().key())
            + ": NOT linearizable; smallest history that shows it \\((\\d) operations?\\):.*", "$1");
        assertThat(Integer.parseInt(size)).as("witness size: %s", edited.out()).isLessThanOrEqualTo(5);
        assertThat(edited.out()).as("the witness names the edited read")
            .contains("      " + plant.rewritten().line(recording.history().stream().mapToLong(Operation::invoked).min().orElseThrow()));
    }

    /** A call's line in a history file, as the file holds it. */
    private record ObjectLine(Operation op) {
        String text() throws Exception {
            Path one = Files.createTempFile("call", ".jsonl");
            try {
                HistoryFile.write(one, RecordedHistory.of(List.of(op)));
                return Files.readAllLines(one).get(0);
            } finally {
                Files.delete(one);
            }
        }
    }

    /**
     * A read that saw the value an acknowledged put made, and an earlier acknowledged put of the same key:
     * read as seeing the earlier value, it would contradict the later put, which the read's revision
     * already covers, whatever the order of the other calls.
     */
    private static Plant findPlant(List<Operation> history) {
        for (Operation read : history) {
            if (!(read.response() instanceof Response.Read saw) || saw.value() == null) {
                continue;
            }
            Optional<Operation> older = history.stream()
                .filter(w -> w.key().equals(read.key()) && w.request() instanceof Request.Put)
                .filter(w -> revisionMade(w).map(r -> r < saw.modRevision()).orElse(false))
                .max(Comparator.comparing(w -> revisionMade(w).orElseThrow()));
            boolean sawAnAcknowledgedPut = history.stream().anyMatch(w -> w.request() instanceof Request.Put put
                && put.value().equals(saw.value()) && revisionMade(w).equals(Optional.of(saw.modRevision())));
            if (older.isPresent() && sawAnAcknowledgedPut) {
                return new Plant(read, older.get());
            }
        }
        throw new AssertionError("no read in the recorded history saw an acknowledged put that followed another");
    }

    private static Optional<Long> revisionMade(Operation op) {
        return op.response() instanceof Response.Written written ? Optional.of(written.revision()) : Optional.empty();
    }
}
