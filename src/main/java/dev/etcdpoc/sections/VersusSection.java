package dev.etcdpoc.sections;

import dev.etcdpoc.core.DemoFailure;
import dev.etcdpoc.core.Failures;
import dev.etcdpoc.versus.Findings;
import dev.etcdpoc.versus.Versus;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * The PoC's reason for etcd, measured: the same clients, the same faults and the same checks on a 3-member
 * etcd, on Redis with its Sentinels as configured by default, and on Redis hardened. etcd's results must be
 * clean; what Redis shows is a finding, whatever it is.
 */
public final class VersusSection implements Section {

    @Override
    public void run(SectionContext ctx) throws InterruptedException {
        Versus.requireBinaries();
        PrintStream out = ctx.out();
        out.println("\"Unlike Redis, etcd is strongly consistent\": the same clients record every call on a 3-member etcd and on");
        out.println("Redis with a primary, two replicas and three Sentinels, while the same faults hit each: the leader (primary)");
        out.println("killed, frozen and cut off from its peers while its clients still reach it, then a follower (replica) frozen.");
        out.println("Then Redis once more, hardened. Each runs on loopback, on systems of its own, deleted at the end.");
        List<Findings> findings = Versus.run(ctx.clients(), out);
        out.println();
        findings.forEach(f -> out.println(f.summary()));
        Path report = ctx.checkPlan().report();
        if (report != null) {
            try {
                Versus.writeReport(report, findings);
            } catch (IOException e) {
                throw new DemoFailure("cannot write the report to " + report + ": " + Failures.ofFile(e), e);
            }
            out.println("Timeline report written to " + report);
        }
        Findings etcd = findings.get(0);
        if (findings.stream().skip(1).allMatch(f -> f.anomalies() == 0)) {
            out.println("Redis lost nothing this run: what it loses depends on what had reached the promoted replica when the failover "
                + "came, which differs from run to run; its documentation promises no such run (docs/redis.md).");
        }
        if (!etcd.clean()) {
            throw new DemoFailure("etcd's results are not clean, see the table above: " + etcd.summary());
        }
    }

    /** None on the demo's etcd: the section writes only to the systems it starts. */
    @Override
    public List<String> keys() {
        return List.of();
    }
}
