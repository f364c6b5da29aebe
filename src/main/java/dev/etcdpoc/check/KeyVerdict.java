package dev.etcdpoc.check;

import java.util.ArrayList;
import java.util.List;

/**
 * Whether one key's history is linearizable, or — for etcd, whose keys share one revision sequence —
 * whether the keys are together ({@code acrossKeys}; {@code key} then names the keys of the witness).
 * When it is not, {@code witness} is a part of the history that is not linearizable on its own (1-minimal
 * when {@code witnessMinimal}: no single call can be left out), and {@code reason} says why in words.
 *
 * @param operations the key's calls in the history, failed ones included (across keys: every call)
 */
public record KeyVerdict(String key, int operations, Status status, List<Operation> witness,
                         boolean witnessMinimal, String reason, boolean acrossKeys) {

    public enum Status {
        LINEARIZABLE,
        NOT_LINEARIZABLE,
        /** The search reached its time limit first. */
        UNDECIDED
    }

    public KeyVerdict {
        witness = List.copyOf(witness);
    }

    /** One key's verdict. */
    public KeyVerdict(String key, int operations, Status status, List<Operation> witness, boolean witnessMinimal,
                      String reason) {
        this(key, operations, status, witness, witnessMinimal, reason, false);
    }

    static KeyVerdict of(String key, int operations, Status status) {
        return new KeyVerdict(key, operations, status, List.of(), true, "");
    }

    static KeyVerdict across(String keys, int operations, Status status, List<Operation> witness, boolean witnessMinimal,
                             String reason) {
        return new KeyVerdict(keys, operations, status, witness, witnessMinimal, reason, true);
    }

    /** Nothing when linearizable; else a headline and the witness, times in ms since {@code origin}. */
    public List<String> lines(long origin) {
        List<String> lines = new ArrayList<>();
        String scope = acrossKeys ? "keys " + key + " together" : "key " + key;
        if (status == Status.UNDECIDED) {
            lines.add(acrossKeys ? "keys together: undecided (" + operations + " operations; the search reached its time limit)"
                : scope + ": undecided (" + operations + " operations; the search reached its time limit)");
        } else if (status == Status.NOT_LINEARIZABLE) {
            String size = witness.size() + (witness.size() == 1 ? " operation" : " operations");
            lines.add(scope + ": NOT linearizable; " + (witnessMinimal
                ? "smallest history that shows it (" + size + "):"
                : "a history that shows it (" + size + "; shrinking ran out of time):"));
            witness.forEach(op -> lines.add("    " + op.line(origin)));
            lines.add("    why: " + reason);
        }
        return lines;
    }
}
