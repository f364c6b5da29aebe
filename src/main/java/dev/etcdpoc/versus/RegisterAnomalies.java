package dev.etcdpoc.versus;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What a register history shows without a checker, because every value is written once and so names the
 * write that made it:
 *
 * <ul>
 * <li><b>Acknowledged writes lost</b>: a set (or compare-and-set) answered OK whose value the final state,
 * read after every fault was healed and the clients had stopped, does not hold, although no other write to
 * its key could have replaced it — none that may have taken effect was sent after it, nor was in flight when
 * it was. (Reads do not matter here: a value read and then gone is no less lost.) Most such writes are to
 * the keys written once, which nothing else writes.</li>
 * <li><b>Stale reads</b>: a get (not a final read) that answered a value although another write to its key
 * certainly took effect after that value's write had been answered and before the get was sent; or that
 * answered "absent" although a write had certainly put a value before the get was sent and no delete may
 * have come between. No order of the calls explains either.</li>
 * </ul>
 *
 * @param lost  the lost writes
 * @param stale the stale reads
 */
record RegisterAnomalies(List<RegisterCall> lost, List<RegisterCall> stale) {

    /** @param finalReads the final read of each key, as the history's reads of the final state */
    static RegisterAnomalies of(List<RegisterCall> history, Map<String, RegisterCall> finalReads) {
        Map<String, List<RegisterCall>> byKey = history.stream().collect(Collectors.groupingBy(RegisterCall::key));
        List<RegisterCall> lost = new ArrayList<>();
        List<RegisterCall> stale = new ArrayList<>();
        for (Map.Entry<String, List<RegisterCall>> key : byKey.entrySet()) {
            KeyWrites writes = new KeyWrites(key.getValue());
            RegisterCall last = finalReads.get(key.getKey());
            for (RegisterCall call : key.getValue()) {
                if (last != null && writes.lost(call, last)) {
                    lost.add(call);
                }
                if (call.client() != VersusRun.FINAL_READER && writes.staleRead(call)) {
                    stale.add(call);
                }
            }
        }
        Comparator<RegisterCall> byTime = Comparator.comparingLong(RegisterCall::invoked);
        lost.sort(byTime);
        stale.sort(byTime);
        return new RegisterAnomalies(List.copyOf(lost), List.copyOf(stale));
    }

    /** One key's writes, arranged so that each question about them is a binary search. */
    private static final class KeyWrites {
        private final Map<String, RegisterCall> writerOf = new HashMap<>();
        /** The two writes that may have taken effect whose answers came last (an unanswered one counts as never answered). */
        private RegisterCall lastAnswered;
        private RegisterCall secondLastAnswered;
        /** Writes certainly in effect when answered, by invocation; and the least completion from each one on. */
        private final long[] certainInvoked;
        private final long[] certainCompletedFrom;
        /** Values certainly written (sets, successful compare-and-sets), by completion; the greatest invocation up to each. */
        private final long[] putsCompleted;
        private final long[] putsInvokedUpTo;
        /** Deletes that may have taken effect, by invocation; the greatest completion up to each. */
        private final long[] deletesInvoked;
        private final long[] deletesCompletedUpTo;

        KeyWrites(List<RegisterCall> calls) {
            for (RegisterCall c : calls) {
                if (c.written() != null) {
                    writerOf.put(c.written(), c);
                }
                if (!c.mayHaveWritten()) {
                    continue;
                }
                if (lastAnswered == null || c.completed() > lastAnswered.completed()) {
                    secondLastAnswered = lastAnswered;
                    lastAnswered = c;
                } else if (secondLastAnswered == null || c.completed() > secondLastAnswered.completed()) {
                    secondLastAnswered = c;
                }
            }
            List<RegisterCall> certain = calls.stream().filter(RegisterCall::certainlyWrote)
                .sorted(Comparator.comparingLong(RegisterCall::invoked)).toList();
            certainInvoked = certain.stream().mapToLong(RegisterCall::invoked).toArray();
            certainCompletedFrom = new long[certain.size()];
            for (int i = certain.size() - 1; i >= 0; i--) {
                long completed = certain.get(i).completed();
                certainCompletedFrom[i] = i == certain.size() - 1 ? completed : Math.min(completed, certainCompletedFrom[i + 1]);
            }
            List<RegisterCall> puts = certain.stream().filter(c -> c.written() != null)
                .sorted(Comparator.comparingLong(RegisterCall::completed)).toList();
            putsCompleted = puts.stream().mapToLong(RegisterCall::completed).toArray();
            putsInvokedUpTo = prefixMax(puts.stream().mapToLong(RegisterCall::invoked).toArray());
            List<RegisterCall> deletes = calls.stream().filter(c -> c.command() instanceof RegisterCall.Delete && c.mayHaveWritten())
                .sorted(Comparator.comparingLong(RegisterCall::invoked)).toList();
            deletesInvoked = deletes.stream().mapToLong(RegisterCall::invoked).toArray();
            deletesCompletedUpTo = prefixMax(deletes.stream().mapToLong(RegisterCall::completed).toArray());
        }

        /** An acknowledged write whose value the final read lacks, and that no other possible write could have replaced. */
        boolean lost(RegisterCall write, RegisterCall finalRead) {
            if (write.written() == null || !write.certainlyWrote()) {
                return false;
            }
            if (!(finalRead.reply() instanceof RegisterCall.Value last) || write.written().equals(last.value())) {
                return false;
            }
            RegisterCall latestOther = lastAnswered == write ? secondLastAnswered : lastAnswered;
            return latestOther == null || latestOther.completed() <= write.invoked();
        }

        /** A get that answered what no order of the calls allows: see the class comment. */
        boolean staleRead(RegisterCall read) {
            if (!(read.command() instanceof RegisterCall.Get) || !(read.reply() instanceof RegisterCall.Value seen)) {
                return false;
            }
            return seen.value() == null ? staleAbsent(read) : staleValue(read, seen.value());
        }

        /** A write certainly took effect after the value's own write was answered and before the read was sent. */
        private boolean staleValue(RegisterCall read, String value) {
            RegisterCall writer = writerOf.get(value);
            if (writer == null) {
                return true; // a value nobody wrote
            }
            if (writer.completed() == Long.MAX_VALUE) {
                return false; // unanswered: it may have taken effect at any time after it was sent
            }
            int first = firstAbove(certainInvoked, writer.completed());
            return first < certainInvoked.length && certainCompletedFrom[first] < read.invoked();
        }

        /**
         * A value was certainly put before the read was sent, and no delete may have come after it: the put
         * invoked last among those answered before the read leaves the smallest room for one.
         */
        private boolean staleAbsent(RegisterCall read) {
            int before = firstAbove(putsCompleted, read.invoked() - 1);
            if (before == 0) {
                return false;
            }
            long latestPut = putsInvokedUpTo[before - 1];
            int deletes = firstAbove(deletesInvoked, read.completed() - 1);
            return deletes == 0 || deletesCompletedUpTo[deletes - 1] <= latestPut;
        }

        /** The index of the first element greater than {@code value} in a sorted array (its length if none). */
        private static int firstAbove(long[] sorted, long value) {
            int i = Arrays.binarySearch(sorted, value);
            if (i < 0) {
                return -i - 1;
            }
            while (i < sorted.length && sorted[i] == value) {
                i++;
            }
            return i;
        }

        private static long[] prefixMax(long[] values) {
            long[] max = values.clone();
            for (int i = 1; i < max.length; i++) {
                max[i] = Math.max(max[i], max[i - 1]);
            }
            return max;
        }
    }
}
