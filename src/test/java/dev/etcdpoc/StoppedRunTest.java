package dev.etcdpoc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdpoc.local.ProcessSignals;
import dev.etcdpoc.support.Etcd;
import dev.etcdpoc.support.EtcdExtension;
import dev.etcdpoc.support.EtcdFixture;
import dev.etcdpoc.support.PocProcess;
import dev.etcdpoc.support.RelaunchingJar;
import dev.etcdpoc.support.UsersKeys;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A run on a shared etcd stopped by Ctrl-C (SIGINT) or SIGTERM while its sections hold leases: it
 * revokes them on the way out, so its turn and its lease-bound keys are gone the moment it has exited
 * (not one TTL later), and the next run need not wait. Also when a {@code java -jar} started the demo
 * again in a JVM of its own (ArchiveRelaunch) and the stop goes to the JVM the user started.
 */
@ExtendWith(EtcdExtension.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class StoppedRunTest {
    /** Printed while the lease section waits for instance-1's lease to expire: two leases (and the turn's) are held. */
    private static final String HOLDING = "instance-1 stops renewing its lease (TTL 2s), as if it crashed";

    /**
     * Started as {@code java -cp ... Main}, the run is the process signalled; as {@code java -jar} with an archive
     * for this JDK, the process signalled is the launcher, which passes the stop on to the demo's JVM and waits.
     */
    @ParameterizedTest(name = "SIG{0}, started with java {2}")
    @CsvSource({"TERM, 143, -cp", "INT, 130, -cp", "TERM, 143, -jar", "INT, 130, -jar"})
    void aStoppedRunRevokesItsLeasesBeforeItExits(String signal, int exitCode, String how, EtcdFixture etcd, @TempDir Path tmp)
        throws Exception {
        try (Etcd check = new Etcd(etcd.endpoints()); UsersKeys users = UsersKeys.put(etcd.endpoints(), "other/config")) {
            long leasesBefore = check.leaseCount();
            String[] args = {"-e", etcd.endpoints().toString(), "lease"};
            Process poc = how.equals("-jar") ? PocProcess.startJar(RelaunchingJar.in(tmp), Map.of(), args) : PocProcess.start(Map.of(), args);
            List<ProcessHandle> demo = List.of();
            try {
                assertThat(printsLine(poc, HOLDING).get(60, TimeUnit.SECONDS)).as("the run reached: %s", HOLDING).isTrue();
                assertThat(check.leaseCount()).as("leases while the run holds them").isGreaterThan(leasesBefore);
                demo = poc.children().filter(StoppedRunTest::startedByLaunchFile).toList();
                assertThat(demo).as("JVMs started with the launch file's options, under java %s", how).hasSize(how.equals("-jar") ? 1 : 0);

                ProcessSignals.send(poc.pid(), signal);
                assertThat(poc.waitFor(30, TimeUnit.SECONDS)).as("exited after SIG%s", signal).isTrue();
            } finally {
                poc.destroyForcibly();
            }

            assertThat(poc.exitValue()).as("exit code after SIG%s", signal).isEqualTo(exitCode);
            assertThat(demo).as("the demo's JVM, once its launcher exited").noneMatch(ProcessHandle::isAlive);
            // Right after the exit, not after a TTL: the run revoked them on its way out.
            assertThat(check.leaseCount()).as("leases right after the run exited").isEqualTo(leasesBefore);
            assertThat(check.count(OneRunAtATime.LOCK + "/")).as("the run's turn").isZero();
            assertThat(check.count("demo/lease/")).as("the section's registrations").isZero();
            users.assertUntouched();
        }
    }

    private static boolean startedByLaunchFile(ProcessHandle process) {
        return process.info().arguments().map(List::of).orElse(List.of()).contains(RelaunchingJar.OPTION);
    }

    /** Completes with true once the process prints {@code line} on stdout, false if its stdout ends first. */
    private static CompletableFuture<Boolean> printsLine(Process process, String line) {
        return CompletableFuture.supplyAsync(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String read; (read = out.readLine()) != null; ) {
                    if (read.equals(line)) {
                        return true;
                    }
                }
                return false;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
