package dev.etcdpoc.check;

import java.util.List;

/**
 * A model's semantics for one search, as pure functions in Porcupine's shape: an initial state and a step
 * from a state and a call (with its recorded answer) to the states it may lead to. The search knows
 * nothing else of the store. A state is a {@link State}: a core compared for equality, and a level that
 * only grows along a linearization (etcd's store revision; 0 where there is none), so that a lower
 * level with the same core can do whatever a higher one can.
 *
 * @param <C> the core of a state: equal cores with equal levels are one state
 */
interface Rules<C> {

    /** A state: its core and its level. */
    record State<C>(C core, long level) {
    }

    State<C> initial();

    /**
     * The states after {@code call} takes effect in {@code state}: none when its answer cannot be given
     * there, several when the model leaves a choice open (the revision an unanswered write took).
     */
    List<State<C>> step(State<C> state, Call call);

    /**
     * Whether {@code call} never has to be placed (a call without an answer, which may never have taken
     * effect, and whose effect no answer in the history pins down). The search tries such calls only when
     * nothing else can go on.
     */
    boolean deferrable(Call call);

    /**
     * For a deferrable call: what it does, whichever call of its kind it is. Calls of one kind are placed
     * in the order they were invoked, and the memo counts them instead of naming them.
     */
    Object kind(Call call);

    /**
     * The highest level at which {@code call} can still be placed ({@link Long#MAX_VALUE}: any): a state
     * above the lowest ceiling of the calls still to be placed is a dead end, known at once.
     */
    long ceiling(Call call);

    /**
     * When {@code call} must have taken effect at the latest: its completion, or for a call without an
     * answer whose effect a read saw, that read's ({@link Long#MAX_VALUE}: never).
     */
    long deadline(Call call);
}
