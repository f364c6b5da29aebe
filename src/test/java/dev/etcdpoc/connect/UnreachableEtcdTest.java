package dev.etcdpoc.connect;

import static dev.etcdpoc.support.Assertions.assertOneLineFailure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdpoc.core.DemoFailure;
import dev.etcdpoc.core.Endpoints;
import dev.etcdpoc.support.LoopbackPort;
import io.grpc.Status;
import java.io.PrintStream;
import java.io.OutputStream;
import dev.etcdpoc.support.PocRun;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
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

    @Test
    void aConnectionClosedUnderARequestAndRefusedAfterIsAnEtcdThatIsGone() {
        // An etcd killed while a request is on the wire closes the connection instead of refusing it (CI: a run through
        // the jar, etcd killed as the lock section began, got this for its lease grant now and then).
        try (LoopbackPort closed = LoopbackPort.refusing(); EtcdTarget target = target(closed)) {
            String line = target.failure(droppedUnder("GRANT lease for worker-1"), new ClientFactory(Duration.ofSeconds(1))).getMessage();

            assertThat(line).isEqualTo("etcd at " + closed.url() + ": GRANT lease for worker-1: connection closed by the server,"
                + " and now nothing listens there. Is etcd running there? Start it with 'docker compose up -d', or point"
                + " --endpoints (or ETCD_ENDPOINTS) at a running etcd.");
        }
    }

    @Test
    void aConnectionClosedByWhatStillListensIsNotCalledGone() {
        try (LoopbackPort listening = LoopbackPort.silent(); EtcdTarget target = target(listening)) {
            String line = target.failure(droppedUnder("GRANT lease for worker-1"), new ClientFactory(Duration.ofSeconds(1))).getMessage();

            assertThat(line).isEqualTo("etcd at " + listening.url() + ": GRANT lease for worker-1: connection closed by the server");
        }
    }

    private static EtcdTarget target(LoopbackPort port) {
        return EtcdTarget.open(Optional.of(Endpoints.parse(port.url())), 0, new PrintStream(OutputStream.nullOutputStream()));
    }

    /** What the run makes of gRPC's failure when the connection closes under a request. */
    private static DemoFailure droppedUnder(String request) {
        return new DemoFailure(request + ": connection closed by the server",
            Status.UNAVAILABLE.withDescription("Network closed for unknown reason").asRuntimeException());
    }
}
