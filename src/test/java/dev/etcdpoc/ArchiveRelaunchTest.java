package dev.etcdpoc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdpoc.support.EtcdExtension;
import dev.etcdpoc.support.EtcdFixture;
import dev.etcdpoc.support.PocOutput;
import dev.etcdpoc.support.PocProcess;
import dev.etcdpoc.support.RelaunchingJar;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plain {@code java -jar} starts the demo again with the archive made for its JDK, and only then; the demo
 * it starts prints to the same output. (StoppedRunTest stops such a launcher with a signal.)
 */
@ExtendWith(EtcdExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ArchiveRelaunchTest {
    private static final Path THIS_JDK = Path.of(System.getProperty("java.home"));

    @Test
    void aPlainJavaDashJarStartsAgainWithTheOptionsOfTheLaunchFile(@TempDir Path tmp) throws IOException {
        Path jar = RelaunchingJar.in(tmp);
        String java = THIS_JDK.resolve("bin").resolve("java").toString();

        assertThat(ArchiveRelaunch.command(List.of("-jar", jar.toString(), "crud"), Map.of(), THIS_JDK)).as("with a class-data-sharing archive")
            .contains(List.of(java, RelaunchingJar.OPTION, "-jar", jar.toString(), "crud"));
        // An ahead-of-time cache (JDK 24 and later) is found the same way.
        Files.move(tmp.resolve("poc.jsa"), tmp.resolve("poc.aot"));
        Files.write(tmp.resolve("poc.aot.launch"), Files.readAllLines(tmp.resolve("poc.jsa.launch")).stream()
            .map(line -> line.replace("poc.jsa", "poc.aot")).toList());
        assertThat(ArchiveRelaunch.command(List.of("-jar", jar.toString()), Map.of(), THIS_JDK)).as("with an ahead-of-time cache")
            .contains(List.of(java, RelaunchingJar.OPTION.replace("poc.jsa", "poc.aot"), "-jar", jar.toString()));
    }

    @Test
    void whoeverGivesTheJvmAnOptionKeepsTheJvmTheyAskedFor(@TempDir Path tmp) {
        String jar = RelaunchingJar.in(tmp).toString();

        assertThat(ArchiveRelaunch.command(List.of("-Xmx64m", "-jar", jar), Map.of(), THIS_JDK)).as("an option on the command line").isEmpty();
        for (String variable : List.of("JDK_JAVA_OPTIONS", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS")) {
            assertThat(ArchiveRelaunch.command(List.of("-jar", jar), Map.of(variable, "-Xmx64m"), THIS_JDK)).as(variable).isEmpty();
        }
        assertThat(ArchiveRelaunch.command(List.of("-jar", jar, "bench", "--op", "get"), Map.of(), THIS_JDK)).as("bench").isEmpty();
        assertThat(ArchiveRelaunch.command(List.of("-jar", jar, "check", "--duration", "30s"), Map.of(), THIS_JDK)).as("check").isEmpty();
        assertThat(ArchiveRelaunch.command(List.of("-jar", jar, "versus"), Map.of(), THIS_JDK)).as("versus").isEmpty();
        assertThat(ArchiveRelaunch.command(List.of("-jar", jar, "check-history", "h.jsonl"), Map.of(), THIS_JDK)).as("check-history")
            .isEmpty();
    }

    @Test
    void onlyWithAnArchiveOfThisJdkNewerThanTheJar(@TempDir Path tmp) throws IOException {
        Path jar = RelaunchingJar.in(tmp);
        List<String> plain = List.of("-jar", jar.toString());

        assertThat(ArchiveRelaunch.command(plain, Map.of(), tmp)).as("the archive of another JDK").isEmpty();
        List<String> launch = Files.readAllLines(tmp.resolve("poc.jsa.launch"));
        Files.write(tmp.resolve("poc.jsa.launch"), launch.stream().filter(line -> !line.startsWith("-")).toList());
        assertThat(ArchiveRelaunch.command(plain, Map.of(), THIS_JDK)).as("a launch file without options (its demo would start another)").isEmpty();
        Files.write(tmp.resolve("poc.jsa.launch"), launch);
        Files.setLastModifiedTime(tmp.resolve("poc.jsa"), FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() - 1000));
        assertThat(ArchiveRelaunch.command(plain, Map.of(), THIS_JDK)).as("an archive older than the jar").isEmpty();
        Files.delete(tmp.resolve("poc.jsa"));
        assertThat(ArchiveRelaunch.command(plain, Map.of(), THIS_JDK)).as("no archive").isEmpty();
        Files.delete(tmp.resolve("poc.jsa.launch"));
        assertThat(ArchiveRelaunch.command(plain, Map.of(), THIS_JDK)).as("no launch file").isEmpty();
    }

    @Test
    void theDefaultRunStartedAgainPrintsExactlyThePocOutput(EtcdFixture etcd, @TempDir Path tmp) throws Exception {
        Process poc = PocProcess.startJar(RelaunchingJar.in(tmp), Map.of(), "--endpoints", etcd.endpoints().toString());
        try {
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(poc.getErrorStream()));
            String out = new String(poc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(poc.waitFor(30, TimeUnit.SECONDS)).as("exited").isTrue();

            assertThat(new String(err.get(), StandardCharsets.UTF_8)).as("stderr").isEmpty();
            assertThat(out).as("stdout, byte for byte").isEqualTo(PocOutput.FULL);
            assertThat(poc.exitValue()).isZero();
        } finally {
            poc.destroyForcibly();
        }
    }

    private static byte[] readAll(InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
