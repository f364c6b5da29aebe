package dev.etcdpoc.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdpoc.core.Poll;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PartitionsTest {
    @Test
    void aLeaderCutOffFromItsPeersIsReplaced() {
        try (LocalEtcd cluster = LocalEtcd.start(3, LocalEtcd.Setup.PLAIN.partitionable())) {
            int leader = cluster.awaitLeader(Duration.ofSeconds(30));
            long t0 = System.nanoTime();
            cluster.partitions().cutOff(leader);
            int next = Poll.until(Duration.ofSeconds(30), "another leader", () -> {
                for (int i = 0; i < 3; i++) {
                    if (i != leader && cluster.leader().orElse(-1) == i) {
                        return Optional.of(i);
                    }
                }
                return Optional.empty();
            });
            System.out.println("new leader " + next + " after " + (System.nanoTime() - t0) / 1_000_000 + " ms");
            cluster.partitions().heal();
            cluster.awaitHealthy(Duration.ofSeconds(30));
            assertThat(next).isNotEqualTo(leader);
        }
    }
}
