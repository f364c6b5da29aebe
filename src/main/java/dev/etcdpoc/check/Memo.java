package dev.etcdpoc.check;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The search's memory of the states it has reached, with dominance instead of plain equality: a state
 * is not worth exploring when one reached before had the same calls-that-must-be-placed placed, the same
 * value and mod revision, a floor no higher, and no more deferrable calls of any kind placed. That earlier
 * state can do all this one can (a lower floor forbids less, and a deferrable call left unplaced can
 * always come last), so if it failed this fails too, and if it is still being explored (an ancestor)
 * whatever this one finds it finds as well.
 *
 * <p>Equality alone (as in Lowe's and Porcupine's memo) let each pending unanswered call double the
 * states: placed or not, and at which floor.
 */
final class Memo {

    private record Core(BitSet placedRequired, String value, long modRevision) {
    }

    private record Mark(long floor, int[] placedOfKind) {

        boolean dominates(Mark other) {
            if (floor > other.floor) {
                return false;
            }
            for (int kind = 0; kind < placedOfKind.length; kind++) {
                if (placedOfKind[kind] > other.placedOfKind[kind]) {
                    return false;
                }
            }
            return true;
        }
    }

    private final Map<Core, List<Mark>> reached = new HashMap<>();

    /** Whether {@code state} with {@code placement} is worth exploring; if so, remembers it. */
    boolean firstVisit(Placement placement, Register state) {
        Core core = new Core(placement.placedRequired(), state.value(), state.modRevision());
        Mark mark = new Mark(state.floor(), placement.placedOfKind());
        List<Mark> marks = reached.computeIfAbsent(core, c -> new ArrayList<>(1));
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
