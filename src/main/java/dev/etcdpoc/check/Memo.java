package dev.etcdpoc.check;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The search's memory of the states it has reached, with dominance instead of plain equality: a state
 * is not worth exploring when one reached before had the same calls-that-must-be-placed placed, the same
 * core, a level no higher, and no more deferrable calls of any kind placed. That earlier state can do all
 * this one can (a lower level forbids less, and a deferrable call left unplaced can always come later or
 * never), so if it failed this fails too, and if it is still being explored (an ancestor) whatever this
 * one finds it finds as well.
 *
 * <p>Equality alone (as in Lowe's and Porcupine's memo) let each pending unanswered call double the
 * states: placed or not, and at which level.
 */
final class Memo {

    private record Core(Placement.Placed placed, Object state) {
    }

    private record Mark(long level, Placement.Counts counts) {
        boolean dominates(Mark other) {
            return level <= other.level && counts.atMost(other.counts);
        }
    }

    private final Map<Core, List<Mark>> reached = new HashMap<>();

    /** Whether {@code state} with {@code placement} is worth exploring; if so, remembers it. */
    boolean firstVisit(Placement placement, Rules.State<?> state) {
        Mark mark = new Mark(state.level(), placement.counts());
        List<Mark> marks = reached.computeIfAbsent(new Core(placement.placed(), state.core()), c -> new ArrayList<>(1));
        for (Mark earlier : marks) {
            if (earlier.dominates(mark)) {
                return false;
            }
        }
        // Marks this one dominates can never prune anything it does not.
        marks.removeIf(mark::dominates);
        marks.add(mark);
        return true;
    }
}
