package dev.etcdpoc.check;

import java.util.List;
import java.util.Optional;

/**
 * A {@link Model} applied to one history: the rules for a search over any of its calls, and what the
 * model adds to the search — calls that conflict at a glance, which answers rest on which calls (for
 * witnesses), and a reason in words.
 */
interface Semantics {

    /** The rules for a search over {@code calls}, some or all of the history's. */
    Rules<?> rules(List<Call> calls);

    /**
     * Whether calls on different keys constrain each other (etcd's one revision sequence), so that every
     * key passing alone does not settle it.
     */
    boolean keysInteract();

    /**
     * Sets of a few calls that cannot be linearized together whatever else happened, found without a
     * search (calls answered with revisions that contradict their order, say); empty when none is seen.
     */
    List<List<Operation>> conflicts();

    /**
     * The calls {@code op}'s answer rests on: without them it would be wrong for a dull reason (a read of
     * a value whose writer was left out), so a witness keeps them together.
     */
    List<Operation> restsOn(Operation op);

    /**
     * Why {@code witness} cannot be linearized whatever {@code around} did, in words, where it is one of the
     * classic shapes (a stale read, a read from the future, two changes at one revision, ...): each shape
     * named is a proof, so the shrinker takes it instead of a search. Empty when none fits.
     *
     * @param around the calls that may have taken effect with it though they are not in it: the
     *               history's unanswered ones on its keys
     */
    Optional<String> proof(List<Operation> witness, List<Operation> around);
}
