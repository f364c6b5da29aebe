package dev.etcdpoc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdpoc.support.EtcdExtension;
import dev.etcdpoc.support.EtcdFixture;
import dev.etcdpoc.support.PocProcess;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The process ends gRPC's shared event loops before it exits: the JVM waits up to 300 ms at exit
 * while any thread runs native code, as an idle loop does (docs/startup.md). In a JVM of its own,
 * since the loops are the whole JVM's. Fails when a new gRPC keeps its loops where
 * {@link GrpcSharedEventLoops} no longer finds them.
 */
@ExtendWith(EtcdExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GrpcSharedEventLoopsTest {
    @Test
    void afterTheDefaultRunNoEventLoopIsLeft(EtcdFixture etcd) throws Exception {
        Process probe = PocProcess.startClass(ExitProbe.class, Map.of(), "--endpoints", etcd.endpoints().toString());
        String out = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(probe.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(probe.waitFor()).as("the run's exit code; stderr: %s", err).isZero();
        assertThat(out).as("the run ran its sections").contains("Done.");
        // Before: the run's client has closed, and gRPC keeps its loops for a second more.
        assertThat(out).as("gRPC's loop threads, before and after main ends them")
            .containsPattern("loop threads alive before: [1-9]")
            .contains("after: 0");
    }

    /** What {@link Main#main} does, with a count of gRPC's loop threads before and after it ends them. */
    static final class ExitProbe {
        /**
         * Ending idle loops takes milliseconds, a busy machine may take longer; left to themselves, gRPC
         * ends them a second after the client closed, so a loop still alive after this was not ended.
         */
        private static final long GRACE_MILLIS = 500;

        public static void main(String[] args) throws InterruptedException {
            int code = Main.execute(args, System.getenv(), System.out, System.err);
            List<Thread> loops = loopThreads();
            GrpcSharedEventLoops.endBeforeExit();
            long deadline = System.currentTimeMillis() + GRACE_MILLIS;
            for (Thread loop : loops) {
                loop.join(Math.max(1, deadline - System.currentTimeMillis()));
            }
            System.out.println("loop threads alive before: " + loops.size() + "; after: " + loopThreads().size());
            System.exit(code);
        }

        private static List<Thread> loopThreads() {
            return Thread.getAllStackTraces().keySet().stream().filter(GrpcSharedEventLoops::isLoopThread)
                .collect(Collectors.toList());
        }
    }
}
