package dev.etcdpoc.check;

import java.util.Comparator;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The reason a witness is not linearizable, in words, where it is one of the classic shapes: a read of
 * a value nobody wrote, a read from the future, a read at the wrong revision, a stale read (or a lost
 * write), two cas from one revision that both succeeded, revisions going backwards. Other witnesses get a
 * general sentence; the witness itself is the proof either way.
 */
final class Explanation {

    private final List<Operation> witness;
    private final List<Operation> keyOps;

    private Explanation(List<Operation> witness, List<Operation> keyOps) {
        this.witness = witness;
        this.keyOps = keyOps;
    }

    /**
     * @param witness a non-linearizable set of one key's calls
     * @param keyOps  every call on that key, failed ones included (to tell "never written" from "written
     *                only by a call that failed")
     */
    static String of(List<Operation> witness, List<Operation> keyOps) {
        Explanation e = new Explanation(witness, keyOps);
        return e.unwrittenRead()
            .or(e::readFromTheFuture)
            .or(e::readAtWrongRevision)
            .or(e::staleRead)
            .or(e::readMissedWrite)
            .or(e::doubleCas)
            .or(e::revisionsBackwards)
            .orElse("no order of these calls gives every one of them the answer it got");
    }

    private Optional<String> unwrittenRead() {
        for (Operation read : reads()) {
            String value = ((Response.Read) read.response()).value();
            if (keyOps.stream().noneMatch(op -> value.equals(op.writtenValue()))) {
                boolean failedWrite = keyOps.stream().anyMatch(op -> op.outcome() == Operation.Outcome.FAILED
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
                .filter(op -> op.completed() < read.invoked() && op.revisionMade() != null)
                .max(Comparator.comparingLong(Operation::revisionMade));
            if (latest.isPresent() && latest.get().revisionMade() > answer.modRevision()
                && !(answer.value() == null && deletedAfter(latest.get().revisionMade(), read))) {
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
                Long made = write.revisionMade();
                if (made != null && made > answer.modRevision() && made <= answer.revision()
                    && !(answer.value() == null && deletedAfter(made, read))) {
                    return Optional.of(readText(read) + " at rev " + answer.revision() + " but " + writeText(write)
                        + " is at or below that revision");
                }
            }
        }
        return Optional.empty();
    }

    /** Whether a delete that may explain an absent key came after revision {@code revision}, before {@code read} ended. */
    private boolean deletedAfter(long revision, Operation read) {
        return witness.stream().anyMatch(op -> op.request() instanceof Request.Delete && op.invoked() < read.completed()
            && (op.outcome() == Operation.Outcome.UNKNOWN || op.revisionMade() != null && op.revisionMade() > revision));
    }

    private Optional<String> doubleCas() {
        List<Operation> swaps = witness.stream()
            .filter(op -> op.response() instanceof Response.Swapped s && s.succeeded()).toList();
        for (int i = 0; i < swaps.size(); i++) {
            for (int j = i + 1; j < swaps.size(); j++) {
                long expected = ((Request.Cas) swaps.get(i).request()).expectedModRevision();
                if (expected == ((Request.Cas) swaps.get(j).request()).expectedModRevision()) {
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

    private static String writeText(Operation write) {
        long revision = write.revisionMade();
        if (write.request() instanceof Request.Delete) {
            return "a delete at rev " + revision;
        }
        return write.writtenValue() + "@rev" + revision;
    }
}
