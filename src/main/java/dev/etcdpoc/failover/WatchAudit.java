package dev.etcdpoc.failover;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a watch delivered, checked against what was acknowledged: every acknowledged write seen
 * (no gaps), each once (no duplicates), in revision order.
 *
 * @param events     events seen
 * @param gaps       acknowledged writes the watch never delivered
 * @param duplicates events whose revision or key had already been seen
 * @param outOfOrder events whose revision was not above the one before
 */
public record WatchAudit(int events, int gaps, int duplicates, int outOfOrder) {

    public static WatchAudit of(List<AckedWriter.Ack> acks, List<ResumingWatch.Seen> seen) {
        Set<Long> revisions = new HashSet<>();
        Set<String> keys = new HashSet<>();
        int duplicates = 0;
        int outOfOrder = 0;
        long previous = Long.MIN_VALUE;
        for (ResumingWatch.Seen event : seen) {
            if (!revisions.add(event.revision()) || !keys.add(event.key())) {
                duplicates++;
            }
            if (event.revision() <= previous) {
                outOfOrder++;
            }
            previous = event.revision();
        }
        int gaps = (int) acks.stream().filter(a -> !revisions.contains(a.revision())).count();
        return new WatchAudit(seen.size(), gaps, duplicates, outOfOrder);
    }

    public boolean clean() {
        return gaps == 0 && duplicates == 0 && outOfOrder == 0;
    }
}
