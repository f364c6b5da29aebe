package dev.etcdpoc.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

/** How every failed run must look: one line on stderr, no stack trace, the right exit code, in bounded time. */
public final class Assertions {
    private Assertions() {
    }

    public static void assertOneLineFailure(PocRun run, int exitCode, Duration within, String... keyWords) {
        assertThat(run.errLines()).as("stderr is exactly one line: %s", run.err()).hasSize(1);
        assertThat(run.err()).as("no stack trace").doesNotContain("\tat ").doesNotContain("Exception");
        assertThat(run.err()).as("the line names what went wrong: %s", run.err().strip()).contains(keyWords);
        assertThat(run.exitCode()).as("exit code").isEqualTo(exitCode);
        assertThat(run.elapsed()).as("time to fail").isLessThan(within);
    }
}
