package dev.etcdpoc.connect;

import static dev.etcdpoc.support.Assertions.assertOneLineFailure;

import dev.etcdpoc.support.LoopbackPort;
import dev.etcdpoc.support.PocRun;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * When etcd cannot be reached the run ends within the deadline with one line naming the endpoint,
 * the cause and what to do — never a hang or a stack trace. Bounds are generous: the machine is
 * small and shared; the demo's own deadline is 5 s. The closed port, unknown host and silent port
 * (and a server that is not etcd) are rows of the bad-input table ({@link EveryBadInputTest}, docs/bad-input.md); these are the variations.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class UnreachableEtcdTest {
    private static final Duration QUICK = Duration.ofSeconds(15);

    @Test
    void closedPortFromTheEnvironment() {
        try (LoopbackPort closed = LoopbackPort.refusing()) {
            PocRun run = PocRun.withEnv(Map.of("ETCD_ENDPOINTS", closed.url()));

            assertOneLineFailure(run, 1, QUICK, closed.url(), "connection refused");
        }
    }
}
