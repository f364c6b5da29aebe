package dev.etcdpoc.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** What every beyond-PoC section test checks: the section runs cleanly and leaves nothing behind. */
public final class SectionRuns {
    private static final Pattern REVISION = Pattern.compile("revision (== )?\\d+");

    private SectionRuns() {
    }

    /**
     * Runs {@code section} alone (with {@code options}, if any) and asserts exit 0, a silent stderr,
     * no key left under {@code demo/<section>/} and as many leases as before.
     */
    public static PocRun runLeavingNothing(EtcdFixture etcd, String section, String... options) {
        try (Etcd check = new Etcd(etcd.endpoints())) {
            long leasesBefore = check.leaseCount();

            PocRun run = PocRun.of(Stream.concat(Stream.of("-e", etcd.endpoints().toString(), section), Stream.of(options))
                .toArray(String[]::new));

            assertThat(run.exitCode()).as("exit code; stderr: %s", run.err()).isZero();
            assertThat(run.err()).as("stderr of a successful run").isEmpty();
            assertThat(check.count("demo/" + section + "/")).as("keys left under demo/%s/", section).isZero();
            assertThat(check.leaseCount()).as("leases after the run").isEqualTo(leasesBefore);
            ForeignTraffic.on(etcd.endpoints()).ifPresent(traffic -> traffic.assertIntact(check));
            return run;
        }
    }

    /** The output with every revision number replaced by N: revisions grow from run to run, the story must not. */
    public static String withRevisionsMasked(String out) {
        return REVISION.matcher(out).replaceAll(m -> m.group(1) == null ? "revision N" : "revision == N");
    }

    /** The number captured by {@code regex}'s first group in the first line that matches it. */
    public static long number(PocRun run, String regex) {
        Pattern pattern = Pattern.compile(regex);
        for (String line : run.outLines()) {
            Matcher m = pattern.matcher(line);
            if (m.find()) {
                return Long.parseLong(m.group(1));
            }
        }
        throw new AssertionError("no line matches " + regex + " in:\n" + run.out());
    }
}
