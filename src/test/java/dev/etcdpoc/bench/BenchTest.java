package dev.etcdpoc.bench;

import static dev.etcdpoc.core.Bytes.bytes;
import static java.nio.charset.StandardCharsets.UTF_8;
import static dev.etcdpoc.support.Assertions.assertOneLineFailure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.etcdpoc.connect.ClientFactory;
import dev.etcdpoc.local.LocalEtcd;
import dev.etcdpoc.support.Etcd;
import dev.etcdpoc.support.EtcdExtension;
import dev.etcdpoc.support.EtcdFixture;
import dev.etcdpoc.support.LoopbackPort;
import dev.etcdpoc.support.PocProcess;
import dev.etcdpoc.support.PocRun;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import java.io.File;
import java.io.FilenameFilter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code poc bench} against a real etcd, with small totals: every op reports what it measured,
 * without errors, and leaves nothing under bench/. Speed is never asserted: this machine is shared.
 */
@ExtendWith(EtcdExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BenchTest {
    private static final Duration QUICK = Duration.ofSeconds(15);
    private static final String[] SMALL = {"--total", "200", "--warmup", "50", "--clients", "4", "--key-space", "100"};
    private static final int PROCESSORS = Runtime.getRuntime().availableProcessors();

    static Stream<Arguments> ops() {
        return Stream.of(
            Arguments.of("put", new String[0]),
            Arguments.of("get", new String[0]),
            Arguments.of("get", new String[] {"--serializable"}),
            Arguments.of("txn", new String[0]),
            Arguments.of("watch", new String[0]));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("ops")
    void jsonReportsEveryFieldAndLeavesNothingBehind(String op, String[] extra, EtcdFixture etcd) {
        PocRun run = bench(etcd, Stream.concat(Stream.of("--op", op, "--json"), Stream.of(extra)).toArray(String[]::new));

        assertThat(run.exitCode()).as("exit code; stderr: %s", run.err()).isZero();
        assertThat(run.err()).as("stderr").isEmpty();
        assertThat(run.outLines()).as("exactly one JSON object on stdout").hasSize(1);
        Map<String, String> json = flatJson(run.out().trim());
        assertThat(json).containsKeys("op", "clients", "total", "warmup", "key_space", "val_size", "ops_per_sec",
            "p50_ms", "p90_ms", "p99_ms", "p999_ms", "max_ms", "cpu_us_per_op", "heap_fixed", "processors", "client_setup",
            "client_threads", "errors");
        // The run is in this JVM, so it sees the same processors.
        assertThat(json.get("processors")).as("processors").isEqualTo(String.valueOf(PROCESSORS));
        assertThat(json.get("client_setup")).isEqualTo("\"tuned\"");
        assertThat(json.get("client_threads")).as("auto: one per 4 processors, at least 1")
            .isEqualTo(String.valueOf(Math.max(1, PROCESSORS / 4)));
        // The test JVM's heap starts small and grows, as a plain `java -jar` does.
        assertThat(json.get("heap_fixed")).isEqualTo("false");
        assertThat(json.get("op")).isEqualTo("\"" + op + "\"");
        assertThat(json.get("serializable")).isEqualTo(String.valueOf(extra.length > 0));
        assertThat(json.get("total")).isEqualTo("200");
        assertThat(json.get("clients")).isEqualTo("4");
        assertThat(json.get("errors")).isEqualTo("0");
        assertThat(Double.parseDouble(json.get("ops_per_sec"))).as("ops_per_sec").isPositive();
        assertThat(Double.parseDouble(json.get("p50_ms"))).as("p50 <= p99 <= max")
            .isPositive()
            .isLessThanOrEqualTo(Double.parseDouble(json.get("p99_ms")));
        assertThat(Double.parseDouble(json.get("p99_ms"))).isLessThanOrEqualTo(Double.parseDouble(json.get("max_ms")));
        // Not positive: a run this short may take less CPU than one tick of the process CPU clock (0.0 on etcd 3.4 once).
        assertThat(Double.parseDouble(json.get("cpu_us_per_op"))).as("cpu_us_per_op").isNotNegative();
        assertThat(keysUnderBench(etcd)).as("keys left under bench/").isZero();
    }

    @Test
    void summaryForPeople(EtcdFixture etcd) {
        PocRun run = bench(etcd, "--op", "put");

        assertThat(run.exitCode()).as("exit code; stderr: %s", run.err()).isZero();
        assertThat(run.outLines()).hasSize(6);
        assertThat(run.outLines().get(0)).isEqualTo(
            "bench put: 200 requests, 4 in flight, 256-byte values, 100 keys, after 50 untimed warm-up requests; "
                + PROCESSORS + (PROCESSORS == 1 ? " processor" : " processors") + ", tuned client with "
                + Math.max(1, PROCESSORS / 4) + (PROCESSORS < 8 ? " I/O thread" : " I/O threads"));
        assertThat(run.out()).contains("ops/s", "p50", "p99.9", "max", "us per request").contains("errors        0");
        assertThat(run.outLines().get(4)).startsWith("JVM heap      ").contains("growing up to", "scripts/poc bench");
        assertThat(keysUnderBench(etcd)).isZero();
    }

    @Test
    void severalLevelsInOneRunEachWithItsOwnResult(EtcdFixture etcd) {
        // Not bench(): its SMALL arguments already give --clients, and a repeated --clients adds levels.
        PocRun run = PocRun.of("bench", "--endpoints", etcd.endpoints().toString(), "--total", "200", "--warmup", "50",
            "--key-space", "100", "--op", "get", "--clients", "8,1", "--json");

        assertThat(run.exitCode()).as("exit code; stderr: %s", run.err()).isZero();
        assertThat(run.outLines()).as("one JSON object per level, in the order given").hasSize(2);
        Map<String, String> first = flatJson(run.outLines().get(0));
        Map<String, String> second = flatJson(run.outLines().get(1));
        assertThat(first.get("clients")).isEqualTo("8");
        assertThat(second.get("clients")).isEqualTo("1");
        for (Map<String, String> level : List.of(first, second)) {
            assertThat(level.get("total")).isEqualTo("200");
            assertThat(level.get("warmup")).isEqualTo("50");
            assertThat(level.get("errors")).isEqualTo("0");
        }
        assertThat(keysUnderBench(etcd)).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ops")
    void clientThreadsDealTheChainsAmongThatManyClients(String op, String[] extra, EtcdFixture etcd) {
        // SMALL's 4 chains over 3 clients: the first client carries two.
        String[] args = Stream.concat(Stream.of("--op", op, "--client-threads", "3", "--json"), Stream.of(extra)).toArray(String[]::new);
        PocRun run = bench(etcd, args);

        assertThat(run.exitCode()).as("exit code; stderr: %s", run.err()).isZero();
        assertThat(run.outLines()).as("exactly one JSON object on stdout").hasSize(1);
        Map<String, String> json = flatJson(run.out().trim());
        assertThat(json.get("client_threads")).isEqualTo("3");
        assertThat(json.get("clients")).isEqualTo("4");
        assertThat(json.get("errors")).isEqualTo("0");
        assertThat(keysUnderBench(etcd)).as("keys left under bench/").isZero();
    }

    @Test
    void theSafeClientSaysSo(EtcdFixture etcd) {
        PocRun run = bench(etcd, "--client", "safe", "--json");

        assertThat(run.exitCode()).as("exit code; stderr: %s", run.err()).isZero();
        Map<String, String> json = flatJson(run.out().trim());
        assertThat(json.get("client_setup")).isEqualTo("\"safe\"");
        assertThat(json.get("client_threads")).as("jetcd's own pools").isEqualTo("0");
        assertThat(json.get("processors")).isEqualTo(String.valueOf(PROCESSORS));
    }

    @Test
    void minPerClientRaisesTheCountOfTheLevelsThatNeedIt(EtcdFixture etcd) {
        PocRun run = PocRun.of("bench", "--endpoints", etcd.endpoints().toString(), "--total", "30", "--min-per-client", "20",
            "--warmup", "10", "--key-space", "100", "--clients", "4,1", "--json");

        assertThat(run.exitCode()).as("exit code; stderr: %s", run.err()).isZero();
        assertThat(run.outLines()).hasSize(2);
        assertThat(flatJson(run.outLines().get(0)).get("total")).as("4 in flight: 20 per chain, over --total").isEqualTo("80");
        assertThat(flatJson(run.outLines().get(1)).get("total")).as("1 in flight: --total, over 20 per chain").isEqualTo("30");
        assertThat(keysUnderBench(etcd)).isZero();
    }

    @Test
    void aTotalPerLevel(EtcdFixture etcd) {
        PocRun run = PocRun.of("bench", "--endpoints", etcd.endpoints().toString(), "--clients", "4,2,1", "--total", "30,50,10",
            "--min-per-client", "20", "--warmup", "10", "--key-space", "100", "--json");

        assertThat(run.exitCode()).as("exit code; stderr: %s", run.err()).isZero();
        assertThat(run.outLines().stream().map(line -> flatJson(line).get("clients") + ":" + flatJson(line).get("total")))
            .as("each level's own --total, or 20 per chain where that is more")
            .containsExactly("4:80", "2:50", "1:20");
        assertThat(keysUnderBench(etcd)).isZero();
    }

    @Test
    void tunedClientMakesNoFolderInTheTempDir(EtcdFixture etcd) throws Exception {
        File tmp = new File(System.getProperty("java.io.tmpdir"));
        FilenameFilter vertxCache = (dir, name) -> name.startsWith("vertx-cache-");
        Set<String> before = Set.of(tmp.list(vertxCache));

        try (Client client = new ClientFactory(Duration.ofSeconds(10)).withTuning().create(etcd.endpoints())) {
            client.getKVClient().get(bytes("any")).get(10, TimeUnit.SECONDS);

            // While the client is open: a folder made at its start would be there now, whatever its close does later.
            assertThat(tmp.list(vertxCache)).as("vertx-cache folders in %s", tmp).containsExactlyInAnyOrderElementsOf(before);
        }
    }

    @Test
    void compactHistoryCompactsBeforeEachLevel() {
        // An etcd of the test's own: compaction is cluster-wide.
        try (LocalEtcd own = LocalEtcd.start(1); Etcd check = new Etcd(own.endpoints())) {
            long written = check.put("probe", "old");
            check.put("probe", "new");

            PocRun run = PocRun.of("bench", "--endpoints", own.endpoints().toString(), "--total", "200", "--warmup", "50",
                "--key-space", "100", "--clients", "4,2", "--compact-history", "--json");

            assertThat(run.exitCode()).as("exit code; stderr: %s", run.err()).isZero();
            assertThat(run.outLines()).hasSize(2);
            GetOption atFirstWrite = GetOption.builder().withRevision(written).build();
            assertThatThrownBy(() -> check.await(check.client().getKVClient().get(bytes("probe"), atFirstWrite)))
                .as("a read at a revision from before the run").hasMessageContaining("compacted");
            assertThat(check.dump()).as("what is left: the probe, and nothing under bench/").hasSize(1);
        }
    }

    @Test
    void compactionMayTakeLongerThanARequest() {
        // etcd removing one old revision per batch, with its pause of 10 ms after each: the 300 puts of the
        // first level take over 3 s to compact before the second, three times the requests' deadline.
        try (LocalEtcd own = LocalEtcd.start(1, LocalEtcd.Setup.PLAIN.withFlags("--experimental-compaction-batch-limit", "1"))) {
            PocRun run = PocRun.of("bench", "--endpoints", own.endpoints().toString(), "--timeout", "1s", "--total", "300,50",
                "--warmup", "0", "--key-space", "100", "--clients", "8,1", "--compact-history", "--json");

            assertThat(run.exitCode()).as("exit code; stderr: %s", run.err()).isZero();
            assertThat(run.outLines()).as("one result per level").hasSize(2);
        }
    }

    @Test
    void writesUnderAPrefixOfItsOwnAndLeavesOtherKeysAlone(EtcdFixture etcd) {
        try (Etcd check = new Etcd(etcd.endpoints())) {
            check.await(check.client().getKVClient().put(bytes("bench/someone-elses"), bytes("keep me")));
            try {
                List<String> before = check.dump();

                PocRun run = bench(etcd, "--op", "put");

                assertThat(run.exitCode()).as("exit code; stderr: %s", run.err()).isZero();
                assertThat(check.dump()).as("every key, value and revision after the run").isEqualTo(before);
            } finally {
                check.await(check.client().getKVClient().delete(bytes("bench/someone-elses")));
            }
        }
    }

    @Test
    void unreachableEtcdIsOneLine() {
        try (LoopbackPort closed = LoopbackPort.refusing()) {
            PocRun run = PocRun.of("bench", "--endpoints", closed.url(), "--total", "10");

            assertOneLineFailure(run, 1, QUICK, closed.url(), "connection refused");
        }
    }

    @Test
    void etcdThatStopsMidRunEndsItWithWhatWasMeasuredAndOneLine() throws Exception {
        try (LocalEtcd own = LocalEtcd.start(1); Etcd check = new Etcd(own.endpoints())) {
            // The first level sends 120 puts; once 1000 have arrived, the second (endless) one is timing.
            CountDownLatch secondLevelTiming = new CountDownLatch(1000);
            WatchOption underBench = WatchOption.builder().isPrefix(true).build();
            try (Watch.Watcher puts = check.client().getWatchClient().watch(bytes("bench/"), underBench,
                    response -> response.getEvents().forEach(event -> secondLevelTiming.countDown()))) {
                Process bench = PocProcess.start(Map.of(), "bench", "--endpoints", own.endpoints().toString(), "--timeout", "1s",
                    "--clients", "2,2", "--total", "100,100000000", "--warmup", "20", "--json");
                try {
                    assertThat(secondLevelTiming.await(60, TimeUnit.SECONDS)).as("the second level under way").isTrue();
                    own.kill(0);
                    assertThat(bench.waitFor(60, TimeUnit.SECONDS)).as("bench ended after its etcd was killed").isTrue();

                    List<String> out = new String(bench.getInputStream().readAllBytes(), UTF_8).lines().toList();
                    List<String> err = new String(bench.getErrorStream().readAllBytes(), UTF_8).lines().toList();
                    assertThat(bench.exitValue()).as("exit code; stderr: %s", err).isEqualTo(1);
                    assertThat(out).as("what each level measured, the cut-short one included").hasSize(2);
                    assertThat(out.get(0)).contains("\"clients\":2,\"total\":100,", "\"errors\":0}");
                    assertThat(out.get(1)).contains("\"clients\":2,").doesNotContain("\"total\":100000000,");
                    assertThat(err).as("stderr: one line, no stack trace, no library's log").singleElement().asString()
                        .matches("poc: etcd at " + Pattern.quote(own.endpoints().toString()) + ": bench put, 2 in flight: "
                            + "etcd stopped answering after \\d+ of 100000000 requests .*connection refused; "
                            + "its keys under bench/[0-9a-f]+/ are still there .*");
                } finally {
                    bench.destroyForcibly();
                }
            }
        }
    }

    static Stream<Arguments> usageErrors() {
        return Stream.of(
            Arguments.of(new String[] {"--op", "delete"}, "unknown op 'delete'; valid ops: put, get, txn, watch"),
            Arguments.of(new String[] {"--clients", "0"}, "--clients must be at least 1, was 0"),
            Arguments.of(new String[] {"--clients", "many"}, "'many' is not an int"),
            Arguments.of(new String[] {"--clients", "20000"}, "--clients must be at most 10000"),
            Arguments.of(new String[] {"--clients", "16,0"}, "--clients must be at least 1, was 0"),
            Arguments.of(new String[] {"--clients", ","}, "--clients needs at least one number of requests in flight"),
            Arguments.of(new String[] {"--total", "0"}, "--total must be at least 1"),
            Arguments.of(new String[] {"--total", "1e9"}, "'1e9' is not an int"),
            Arguments.of(new String[] {"--total", "20000,5000"}, "--total has 2 counts and --clients 1 level: give one count for all levels, or one per level"),
            Arguments.of(new String[] {"--clients", "64,16,1", "--total", "20000,5000"}, "--total has 2 counts and --clients 3 levels"),
            Arguments.of(new String[] {"--total", "100,0", "--clients", "4,1"}, "--total must be at least 1, was 0"),
            Arguments.of(new String[] {"--total", ","}, "--total needs at least one count, like 20000 or 20000,5000"),
            Arguments.of(new String[] {"--min-per-client", "-1"}, "--min-per-client must be at least 0, was -1"),
            Arguments.of(new String[] {"--warmup", "-1"}, "'-1' is not a request count; write a number of 0 or more, or auto"),
            Arguments.of(new String[] {"--key-space", "0"}, "--key-space must be at least 1"),
            Arguments.of(new String[] {"--val-size", "-5"}, "--val-size must be at least 0"),
            Arguments.of(new String[] {"--op", "watch", "--val-size", "4"}, "--val-size must be at least 8 for --op watch"),
            Arguments.of(new String[] {"--op", "put", "--serializable"}, "--serializable applies to --op get only"),
            Arguments.of(new String[] {"--client-threads", "0"}, "'0' is not a thread count; write a number of 1 or more, or auto"),
            Arguments.of(new String[] {"--client-threads", "many"}, "'many' is not a thread count"),
            Arguments.of(new String[] {"--client-threads", "257"}, "--client-threads must be at most 256, was 257"),
            Arguments.of(new String[] {"--client", "safe", "--client-threads", "2"},
                "--client-threads applies to --client tuned only; the safe client runs on jetcd's own threads"),
            Arguments.of(new String[] {"--timeout", "soon"}, "'soon' is not a duration"),
            Arguments.of(new String[] {"--bogus"}, "Unknown option: '--bogus'"));
    }

    @ParameterizedTest
    @MethodSource("usageErrors")
    void usageErrorIsOneLineAndExit2(String[] args, String expected) {
        try (LoopbackPort closed = LoopbackPort.refusing()) {
            String[] withCommand = Stream.concat(Stream.of("bench", "--endpoints", closed.url()), Stream.of(args)).toArray(String[]::new);
            PocRun run = PocRun.of(withCommand);

            assertOneLineFailure(run, 2, QUICK, expected);
            assertThat(run.out()).as("nothing on stdout").isEmpty();
        }
    }

    @Test
    void helpNamesEveryOption() {
        PocRun run = PocRun.of("bench", "--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("--op", "--clients", "--total", "--min-per-client", "--warmup", "--key-space", "--val-size",
            "--serializable", "--compact-history", "--client", "--client-threads", "--json", "--endpoints", "--timeout");
    }

    private static PocRun bench(EtcdFixture etcd, String... args) {
        String[] all = Stream.of(new String[] {"bench", "--endpoints", etcd.endpoints().toString()}, SMALL, args)
            .flatMap(Stream::of).toArray(String[]::new);
        return PocRun.of(all);
    }

    private static long keysUnderBench(EtcdFixture etcd) {
        try (Etcd check = new Etcd(etcd.endpoints())) {
            return check.count("bench/");
        }
    }

    /** A flat JSON object (strings, numbers, booleans) as name -> raw value; fails on anything else. */
    private static Map<String, String> flatJson(String text) {
        assertThat(text).as("a JSON object").startsWith("{").endsWith("}");
        Matcher field = Pattern.compile("\"([a-z0-9_]+)\":(\"[^\"]*\"|-?[0-9.]+|true|false)(,|$)")
            .matcher(text.substring(1, text.length() - 1));
        Map<String, String> fields = new LinkedHashMap<>();
        int end = 0;
        while (field.find()) {
            assertThat(field.start()).as("no junk before field %s in %s", field.group(1), text).isEqualTo(end);
            fields.put(field.group(1), field.group(2));
            end = field.end();
        }
        assertThat(end).as("the whole object parsed: %s", text).isEqualTo(text.length() - 2);
        return fields;
    }
}
