package dev.etcdpoc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdpoc.local.ProcessSignals;
import dev.etcdpoc.support.Etcd;
import dev.etcdpoc.support.EtcdExtension;
import dev.etcdpoc.support.EtcdFixture;
import dev.etcdpoc.support.PocProcess;
import dev.etcdpoc.support.UsersKeys;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A run on a shared etcd stopped by Ctrl-C (SIGINT) or SIGTERM while its sections hold leases: it
 * revokes them on the way out, so its turn and its lease-bound keys are gone the moment it has exited
 * (not one TTL later), and the next run need not wait.
 */
@ExtendWith(EtcdExtension.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class StoppedRunTest {
    /** Printed while the lease section waits for instance-1's lease to expire: two leases (and the turn's) are held. */
    private static final String HOLDING = "instance-1 stops renewing its lease (TTL 2s), as if it crashed";

    @ParameterizedTest(name = "SIG{0}")
    @CsvSource({"TERM, 143", "INT, 130"})
    void aStoppedRunRevokesItsLeasesBeforeItExits(String signal, int exitCode, EtcdFixture etcd) throws Exception {
        try (Etcd check = new Etcd(etcd.endpoints()); UsersKeys users = UsersKeys.put(etcd.endpoints(), "other/config")) {
            long leasesBefore = check.leaseCount();
            Process poc = PocProcess.start(Map.of(), "-e", etcd.endpoints().toString(), "lease");
            try {
                assertThat(printsLine(poc, HOLDING).get(60, TimeUnit.SECONDS)).as("the run reached: %s", HOLDING).isTrue();
                assertThat(check.leaseCount()).as("leases while the run holds them").isGreaterThan(leasesBefore);

                ProcessSignals.send(poc.pid(), signal);
                assertThat(poc.waitFor(30, TimeUnit.SECONDS)).as("exited after SIG%s", signal).isTrue();
            } finally {
                poc.destroyForcibly();
            }

            assertThat(poc.exitValue()).as("exit code after SIG%s", signal).isEqualTo(exitCode);
            // Right after the exit, not after a TTL: the run revoked them on its way out.
            assertThat(check.leaseCount()).as("leases right after the run exited").isEqualTo(leasesBefore);
            assertThat(check.count(OneRunAtATime.LOCK + "/")).as("the run's turn").isZero();
            assertThat(check.count("demo/lease/")).as("the section's registrations").isZero();
            users.assertUntouched();
        }
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
