package dev.etcdpoc.check;

import java.util.ArrayList;
import java.util.List;

/**
 * Whether one key's history is linearizable. When it is not, {@code witness} is a part of it that is not
 * linearizable on its own (1-minimal when {@code witnessMinimal}: no single call can be left out), and
 * {@code reason} says why in words.
 *
 * @param operations the key's calls in the history, failed ones included
 */
public record KeyVerdict(String key, int operations, Status status, List<Operation> witness,
                         boolean witnessMinimal, String reason) {

    public enum Status {
        LINEARIZABLE,
        NOT_LINEARIZABLE,
        /** The search reached its time limit first. */
        UNDECIDED
    }

    public KeyVerdict {
        witness = List.copyOf(witness);
    }

    static KeyVerdict of(String key, int operations, Status status) {
        return new KeyVerdict(key, operations, status, List.of(), true, "");
    }

    /** Nothing for a linearizable key; else a headline and the witness, times in ms since {@code origin}. */
    public List<String> lines(long origin) {
        List<String> lines = new ArrayList<>();
        if (status == Status.UNDECIDED) {
            lines.add("key " + key + ": undecided (" + operations + " operations; the search reached its time limit)");
        } else if (status == Status.NOT_LINEARIZABLE) {
            String size = witness.size() + (witness.size() == 1 ? " operation" : " operations");
            lines.add("key " + key + ": NOT linearizable; " + (witnessMinimal
                ? "smallest history that shows it (" + size + "):"
                : "a history that shows it (" + size + "; shrinking ran out of time):"));
            witness.forEach(op -> lines.add("    " + op.line(origin)));
            lines.add("    why: " + reason);
        }
        return lines;
    }
}
