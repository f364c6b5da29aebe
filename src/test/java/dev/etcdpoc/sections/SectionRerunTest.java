package dev.etcdpoc.sections;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdpoc.support.EtcdExtension;
import dev.etcdpoc.support.EtcdFixture;
import dev.etcdpoc.support.PocRun;
import dev.etcdpoc.support.SectionRuns;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every beyond-PoC section leaves etcd as it found it, so a second run tells the same story (revisions aside). */
@ExtendWith(EtcdExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SectionRerunTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"cas", "lease", "lock", "election", "history"})
    void runsTwiceWithTheSameOutput(String section, EtcdFixture etcd) {
        PocRun first = SectionRuns.runLeavingNothing(etcd, section);
        PocRun second = SectionRuns.runLeavingNothing(etcd, section);

        assertThat(SectionRuns.withRevisionsMasked(second.out())).isEqualTo(SectionRuns.withRevisionsMasked(first.out()));
    }
}
