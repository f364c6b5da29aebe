package dev.etcdpoc.check;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The reason an etcd witness is not linearizable, in words, where it is one of the classic shapes: a
 * revision a fresh store cannot give, two changes at one revision, a read of a value nobody wrote, a read
 * from the future, a read at the wrong revision, a stale read (or a lost write), two cas from one revision
 * that both succeeded, revisions going backwards, one transaction read at two revisions. Each shape is a proof: it is named only when it holds
 * whatever the unanswered calls around the witness did (a read of nothing is not called stale while an
 * unanswered delete could have emptied the key), and values are written once, so nothing brings back a
 * value once overwritten.
 */
final class EtcdExplanation {

    private final List<Operation> witness;
    private final List<Operation> history;
    private final List<Operation> around;
    private final Revisions revisions;

    private EtcdExplanation(List<Operation> witness, List<Operation> history, List<Operation> around, Revisions revisions) {
        this.witness = witness;
        this.history = history;
        this.around = around;
        this.revisions = revisions;
    }

    /**
     * @param witness   a non-linearizable set of calls
     * @param history   every call (failed ones included, to tell "never written" from "written only by a call
     *                  that failed")
     * @param around    the unanswered calls that may have taken effect with the witness, though not in it
     * @param revisions what the history says of revisions
     */
    static Optional<String> of(List<Operation> witness, List<Operation> history, List<Operation> around, Revisions revisions) {
        EtcdExplanation e = new EtcdExplanation(witness, history, around, revisions);
        return e.freshStore()
            .or(e::twoAtOneRevision)
            .or(e::transactionReadAtTwoRevisions)
            .or(e::unwrittenRead)
            .or(e::readFromTheFuture)
            .or(e::readAtWrongRevision)
            .or(e::staleRead)
            .or(e::readMissedWrite)
            .or(e::doubleCas)
            .or(e::revisionsBackwards);
    }

    private Optional<String> freshStore() {
        for (Operation op : witness) {
            Long header = op.headerRevision();
            Long made = op.revisionMade();
            if (header != null && (header < EtcdRules.FRESH || made != null && made <= EtcdRules.FRESH)) {
                return Optional.of(op.request().text() + " got rev " + header + ", but a fresh store is at revision "
                    + EtcdRules.FRESH + " and its first change takes " + (EtcdRules.FRESH + 1));
            }
        }
        return Optional.empty();
    }

    private Optional<String> twoAtOneRevision() {
        for (Operation a : witness) {
            for (Operation b : witness) {
                Long made = a.revisionMade();
                if (a != b && made != null && made.equals(b.revisionMade()) && (a.txn() == 0 || a.txn() != b.txn())) {
                    return Optional.of(a.request().text() + " and " + b.request().text() + " both changed the store at rev "
                        + made + ", but each change takes a revision of its own (only a transaction's writes share one)");
                }
            }
        }
        return Optional.empty();
    }

    /** Two reads saw two values of one transaction at two mod revisions: its puts took one revision. */
    private Optional<String> transactionReadAtTwoRevisions() {
        for (Operation a : reads()) {
            for (Operation b : reads()) {
                Operation writerA = writersOf(a).stream().findFirst().orElse(null);
                Operation writerB = writersOf(b).stream().findFirst().orElse(null);
                long seenA = ((Response.Read) a.response()).modRevision();
                long seenB = ((Response.Read) b.response()).modRevision();
                if (writerA != null && writerB != null && writerA.txn() != 0 && writerA.txn() == writerB.txn() && seenA != seenB) {
                    return Optional.of(readText(a) + " and " + readText(b) + ", but " + writerA.request().text() + " and "
                        + writerB.request().text() + " are one transaction, which takes one revision");
                }
            }
        }
        return Optional.empty();
    }

    private Optional<String> unwrittenRead() {
        for (Operation read : reads()) {
            String value = ((Response.Read) read.response()).value();
            if (history.stream().noneMatch(op -> value.equals(op.writtenValue()))) {
                boolean failedWrite = history.stream().anyMatch(op -> op.outcome() == Operation.Outcome.FAILED
                    && (op.request() instanceof Request.Put put && put.value().equals(value)
                        || op.request() instanceof Request.Cas cas && cas.newValue().equals(value)));
                return Optional.of(readText(read) + (failedWrite
                    ? ", a value only a call that failed wrote" : ", a value no call wrote"));
            }
        }
        return Optional.empty();
    }

    private Optional<String> readFromTheFuture() {
        for (Operation read : reads()) {
            for (Operation writer : writersOf(read)) {
                if (writer.invoked() > read.completed()) {
                    return Optional.of(readText(read) + " before " + writer.request().text()
                        + ", the call that wrote it, was invoked");
                }
            }
        }
        return Optional.empty();
    }

    private Optional<String> readAtWrongRevision() {
        for (Operation read : reads()) {
            long seen = ((Response.Read) read.response()).modRevision();
            for (Operation writer : writersOf(read)) {
                Long written = writer.revisionMade();
                if (written != null && written != seen) {
                    return Optional.of(readText(read) + " but " + writer.request().text() + " wrote it at rev " + written);
                }
            }
        }
        return Optional.empty();
    }

    private Optional<String> staleRead() {
        for (Operation read : witness) {
            if (!(read.response() instanceof Response.Read answer)) {
                continue;
            }
            Optional<Operation> latest = witness.stream()
                .filter(op -> op.key().equals(read.key()) && op.completed() < read.invoked() && made(op) != null)
                .max(Comparator.comparingLong(this::made));
            // Read absent, only a write of a value (not a delete) can make it stale, and not if a delete may follow.
            if (latest.isPresent() && made(latest.get()) > answer.modRevision()
                && !(answer.value() == null && (latest.get().writtenValue() == null || deletedAfter(made(latest.get()), read)))) {
                return Optional.of(readText(read) + " but the latest write completed before it was "
                    + writeText(latest.get()) + " (a stale read, or that write was lost)");
            }
        }
        return Optional.empty();
    }

    private Optional<String> readMissedWrite() {
        for (Operation read : witness) {
            if (!(read.response() instanceof Response.Read answer)) {
                continue;
            }
            for (Operation write : witness) {
                Long made = made(write);
                // A delete at or below the read's revision explains an absent key; a write of a value does not.
                if (write.key().equals(read.key()) && write.writtenValue() != null && made != null && made > answer.modRevision()
                    && made <= answer.revision() && !(answer.value() == null && deletedAfter(made, read))) {
                    return Optional.of(readText(read) + " at rev " + answer.revision() + " but " + writeText(write)
                        + " is at or below that revision");
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Whether a delete that may explain an absent key came after revision {@code revision}, before
     * {@code read} ended: one in the witness, or an unanswered one around it.
     */
    private boolean deletedAfter(long revision, Operation read) {
        List<Operation> all = new ArrayList<>(witness);
        all.addAll(around);
        // Equal times overlap: a delete invoked when the read completed may still come before it.
        return all.stream().anyMatch(op -> op.request() instanceof Request.Delete && op.key().equals(read.key())
            && op.invoked() <= read.completed()
            && (op.outcome() == Operation.Outcome.UNKNOWN || op.revisionMade() != null && op.revisionMade() > revision));
    }

    /** Two cas from one revision above 0 (that of one change: "absent", 0, may come back after a delete). */
    private Optional<String> doubleCas() {
        List<Operation> swaps = witness.stream()
            .filter(op -> op.response() instanceof Response.Swapped s && s.succeeded()
                && ((Request.Cas) op.request()).expectedModRevision() > 0).toList();
        for (int i = 0; i < swaps.size(); i++) {
            for (int j = i + 1; j < swaps.size(); j++) {
                long expected = ((Request.Cas) swaps.get(i).request()).expectedModRevision();
                if (swaps.get(i).key().equals(swaps.get(j).key())
                    && expected == ((Request.Cas) swaps.get(j).request()).expectedModRevision()) {
                    return Optional.of("two cas from rev " + expected + " both succeeded: "
                        + writeText(swaps.get(i)) + " and " + writeText(swaps.get(j)));
                }
            }
        }
        return Optional.empty();
    }

    private Optional<String> revisionsBackwards() {
        for (Operation first : witness) {
            for (Operation later : witness) {
                Long before = first.headerRevision();
                Long after = later.headerRevision();
                if (before != null && after != null && first.completed() < later.invoked()
                    && (after < before || after.equals(before) && later.revisionMade() != null)) {
                    return Optional.of(later.request().text() + " got rev " + after + " though it began after "
                        + first.request().text() + " had completed at rev " + before + ": revisions went backwards");
                }
            }
        }
        return Optional.empty();
    }

    /** The revision a write made: from its answer, or from a read of its value; null when unknown. */
    private Long made(Operation op) {
        Long made = op.revisionMade();
        return made != null || op.outcome() != Operation.Outcome.UNKNOWN ? made : revisions.observed(op.writtenValue());
    }

    private List<Operation> reads() {
        return witness.stream()
            .filter(op -> op.response() instanceof Response.Read read && read.value() != null).toList();
    }

    private List<Operation> writersOf(Operation read) {
        String value = ((Response.Read) read.response()).value();
        return witness.stream().filter(op -> value.equals(op.writtenValue())).toList();
    }

    private static String readText(Operation read) {
        Response.Read answer = (Response.Read) read.response();
        return "get returned " + (answer.value() == null ? "nothing" : answer.value() + "@rev" + answer.modRevision());
    }

    private String writeText(Operation write) {
        long revision = made(write);
        if (write.request() instanceof Request.Delete) {
            return "a delete at rev " + revision;
        }
        return Objects.requireNonNull(write.writtenValue()) + "@rev" + revision;
    }
}
