package dev.etcdpoc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdpoc.support.EtcdExtension;
import dev.etcdpoc.support.EtcdFixture;
import dev.etcdpoc.support.PocProcess;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The process ends gRPC's shared event loops before it exits: the JVM waits up to 300 ms at exit
 * while any thread runs native code, as an idle loop does (docs/startup.md). In a JVM of its own,
 * since the loops are the whole JVM's. Fails when a new gRPC keeps its loops where the class no
 * longer finds them.
 */
@ExtendWith(EtcdExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GrpcSharedEventLoopsTest {
    @Test
    void afterTheDefaultRunNoEventLoopIsLeftInNativeCode(EtcdFixture etcd) throws Exception {
        Process probe = PocProcess.startClass(ExitProbe.class, Map.of(), "--endpoints", etcd.endpoints().toString());
        String out = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(probe.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(probe.waitFor()).as("the run's exit code; stderr: %s", err).isZero();
        assertThat(out).as("the run ran its sections").contains("Done.");
        // Before: the run's client has closed, and gRPC keeps its loops for a second more.
        assertThat(out).as("gRPC's loop threads, as main leaves them to the JVM's exit")
            .containsPattern("loop threads alive before: [1-9]")
            .contains("in native code after: 0");
    }

    /** What {@link Main#main} does, with a count of gRPC's loop threads before and after it ends them. */
    static final class ExitProbe {
        public static void main(String[] args) {
            int code = Main.execute(args, System.getenv(), System.out, System.err);
            long alive = loopThreads(false);
            GrpcSharedEventLoops.endBeforeExit();
            System.out.println("loop threads alive before: " + alive + "; in native code after: " + loopThreads(true));
            System.exit(code);
        }

        private static long loopThreads(boolean inNativeCodeOnly) {
            return Thread.getAllStackTraces().entrySet().stream()
                .filter(e -> e.getKey().getName().startsWith("grpc-default-worker-") || e.getKey().getName().startsWith("grpc-nio-worker-"))
                .filter(e -> !inNativeCodeOnly || (e.getValue().length > 0 && e.getValue()[0].isNativeMethod()))
                .count();
        }
    }
}
