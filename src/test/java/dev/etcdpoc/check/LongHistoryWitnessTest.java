package dev.etcdpoc.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Issue 30's long history: 2 000 calls on one key by 12 clients, about 30% of the writes without an
 * answer, and one read planted stale. Within the default budget the witness is at most 5 calls, holds the
 * planted read, and its why names it.
 */
class LongHistoryWitnessTest {

    @Test
    void aStaleReadPlantedAmongTwoThousandCallsGetsAShortWitnessThatNamesIt() {
        List<Operation> history = new ArrayList<>(SimulatedHistory.generate(30, 2_000, 1, 12, 0.26, 0));
        long writes = history.stream().filter(op -> op.writtenValue() != null || op.request() instanceof Request.Delete).count();
        long unanswered = history.stream().filter(op -> op.outcome() == Operation.Outcome.UNKNOWN
            && !(op.request() instanceof Request.Get)).count();
        assertThat((double) unanswered / writes).as("share of writes without an answer").isBetween(0.25, 0.35);
        Operation planted = plantStaleRead(history);

        KeyVerdict verdict = Linearizability.check(history).keys().get(0);

        assertThat(verdict.status()).isEqualTo(KeyVerdict.Status.NOT_LINEARIZABLE);
        assertThat(verdict.witnessMinimal()).as("shrunk within the budget: %s", verdict.lines(0)).isTrue();
        assertThat(verdict.witness()).as("%s", verdict.lines(0)).hasSizeLessThanOrEqualTo(5).contains(planted);
        Response.Read saw = (Response.Read) planted.response();
        assertThat(verdict.reason()).as("the why names the planted read")
            .contains("get returned " + saw.value() + "@rev" + saw.modRevision());
    }

    /**
     * Rewrites a read two thirds in to return the value of the last acknowledged put that completed before
     * another acknowledged put did, the latter completed before the read began: the read is stale, and its
     * header revision (left as it was) does not show it.
     */
    private static Operation plantStaleRead(List<Operation> history) {
        List<Operation> reads = history.stream().filter(op -> op.response() instanceof Response.Read).toList();
        Operation read = reads.get(reads.size() * 2 / 3);
        List<Operation> putsBefore = history.stream()
            .filter(op -> op.response() instanceof Response.Written && op.completed() < read.invoked())
            .sorted(Comparator.comparingLong(Operation::completed)).toList();
        Operation newer = putsBefore.get(putsBefore.size() - 1);
        Optional<Operation> older = putsBefore.stream()
            .filter(op -> ((Response.Written) op.response()).revision() < ((Response.Written) newer.response()).revision()
                && op.completed() < newer.invoked())
            .max(Comparator.comparingLong(op -> ((Response.Written) op.response()).revision()));
        Operation old = older.orElseThrow();
        long revision = ((Response.Written) old.response()).revision();
        Operation stale = new Operation(read.client(), read.invoked(), read.completed(), read.request(),
            new Response.Read(((Request.Put) old.request()).value(), revision, ((Response.Read) read.response()).revision()));
        history.set(history.indexOf(read), stale);
        return stale;
    }
}
