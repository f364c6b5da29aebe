package dev.etcdpoc;

import static dev.etcdpoc.support.Assertions.assertOneLineFailure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdpoc.support.EtcdExtension;
import dev.etcdpoc.support.EtcdFixture;
import dev.etcdpoc.support.PocLaunch;
import dev.etcdpoc.support.PocOutput;
import dev.etcdpoc.support.PocRun;
import dev.etcdpoc.support.SecureEtcds;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every row of {@link EveryBadInputTest} once more through {@code java -jar target/poc.jar}: the real exit path,
 * where a library could still log after the run's one line (gRPC did, as its event loops ended under a channel
 * that was reconnecting). stderr is that line and nothing else.
 */
@Tag("jar")
@ExtendWith(EtcdExtension.class)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class EveryBadInputJarTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.etcdpoc.EveryBadInputTest#badInputs")
    void oneClearLineAndNothingAfterIt(EveryBadInputTest.BadInput input, EtcdFixture plain, SecureEtcds secure) {
        PocRun run = input.run().apply(new EveryBadInputTest.Etcds(plain, secure, PocLaunch.JAR));

        assertOneLineFailure(run, input.exitCode(), input.within(), input.keyWords());
        if (input.exitCode() == 0) {
            assertThat(run.out()).as("the run went on").isEqualTo(PocOutput.FULL);
        }
    }
}
