package dev.etcdpoc.bench;

import dev.etcdpoc.connect.Connection;
import dev.etcdpoc.connect.ConnectionOptions;
import dev.etcdpoc.connect.OptionValue;
import dev.etcdpoc.connect.OptionsBefore;
import dev.etcdpoc.core.DemoFailure;
import dev.etcdpoc.core.Failures;
import io.etcd.jetcd.Client;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code poc bench}: what etcd requests cost from Java, measured with the demo's own client set-up. */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
    description = {"Measures etcd requests through jetcd with the demo's client set-up: throughput, latency "
        + "percentiles and this JVM's CPU time per request. Writes only under bench/ and deletes it afterwards.",
        "See BENCHMARKS.md for figures next to etcd's Go client."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:success",
        "1:etcd could not be reached, bench/ was not empty, or a request failed",
        "2:usage error: unknown option or op, or a bad value"})
public final class BenchCommand implements Callable<Integer> {
    private static final int MAX_CLIENTS = 10000;
    /** Each I/O thread is a connection to etcd and a Vert.x of its own: beyond this, a typo rather than a plan. */
    private static final int MAX_CLIENT_THREADS = 256;
    /** etcd refuses a request over 1.5 MiB by default ({@code --max-request-bytes}); 1 KiB stays for the key and framing. */
    private static final int ETCD_REQUEST_LIMIT = 1536 * 1024;
    private static final int MAX_VAL_SIZE = ETCD_REQUEST_LIMIT - 1024;

    @Mixin
    private ConnectionOptions connection;

    @Spec
    private CommandSpec spec;

    private final Map<String, String> env;
    private final PrintStream out;
    private final PrintStream err;

    @Option(names = "--op", paramLabel = "OP", defaultValue = "put", converter = OpConverter.class,
        description = "put, get, txn (compare + put) or watch (put-to-event latency through one watcher). Default: ${DEFAULT-VALUE}.")
    private BenchOp op;

    @Option(names = "--clients", paramLabel = "N[,N...]", defaultValue = "16", split = ",",
        description = "Requests in flight: N chains, each sending its next request when the previous is answered. "
            + "Several levels (e.g. 256,64,16,1) are measured one after the other in this JVM, each after its own warm-up "
            + "and with its own result. Default: ${DEFAULT-VALUE}.")
    private List<Integer> levels;

    @Option(names = "--total", paramLabel = "N[,N...]", defaultValue = "20000", split = ",",
        description = "Timed requests at each level (or more, with --min-per-client); or one count per --clients level, "
            + "in the same order: --clients 64,1 --total 20000,5000 (one request in flight is the slowest). "
            + "Default: ${DEFAULT-VALUE}.")
    private List<Integer> totals;

    @Option(names = "--min-per-client", paramLabel = "N", defaultValue = "0",
        description = "At least N timed requests per request in flight, at each level: a level's count is the larger of "
            + "--total and N times its --clients. With few requests per chain the p99 is one slow round of etcd's "
            + "(at 256 in flight, 10000 requests are 39 per chain); 100 makes it a percentile. Default: ${DEFAULT-VALUE}.")
    private int minPerClient;

    @Option(names = "--warmup", paramLabel = "N|auto", defaultValue = "auto", converter = WarmupConverter.class,
        description = "Untimed requests first, same op and in-flight count, so the clock starts once the JIT has compiled "
            + "the hot path. auto (the default): rounds of about a second until the JIT spends under 5%% of a round "
            + "compiling, twice in a row (at most 60 s).")
    private int warmup;

    @Option(names = "--key-space", paramLabel = "N", defaultValue = "100000",
        description = "Distinct keys: request i uses bench/<i mod N>. Default: ${DEFAULT-VALUE}.")
    private int keySpace;

    @Option(names = "--val-size", paramLabel = "BYTES", defaultValue = "256",
        description = "Bytes per value. Default: ${DEFAULT-VALUE}.")
    private int valSize;

    @Option(names = "--serializable", description = "With --op get: serializable reads (served by the member, no quorum round).")
    private boolean serializable;

    @Option(names = "--client", paramLabel = "safe|tuned", defaultValue = "tuned",
        description = "tuned (the default): I/O threads that each own a connection to etcd and run its callbacks, with epoll, "
            + "where a callback must never block (see ClientFactory.withTuning); safe: the demo's client, jetcd's own threads, "
            + "to compare.")
    private ClientKind client;

    @Option(names = "--client-threads", paramLabel = "N|auto", defaultValue = "auto", converter = ThreadsConverter.class,
        description = "The tuned client's I/O threads: N jetcd clients, each with its own connection to etcd and its own event "
            + "loop, which also runs its callbacks; the requests in flight are dealt among them. auto (the default): one per "
            + "4 processors this JVM may use, at least 1.")
    private int clientThreads;

    /** Which client set-up to measure. */
    enum ClientKind { safe, tuned }

    @Option(names = "--compact-history", description = "Before each level (its warm-up and timed requests), compact etcd's "
        + "history up to then, so every level starts on a store of the same size. Compaction is cluster-wide: it drops the "
        + "older revisions of every key, yours too. Only for an etcd of your own (scripts/bench-compare.sh uses it on its own).")
    private boolean compactHistory;

    @Option(names = "--json", description = "Print the result as one JSON object on stdout.")
    private boolean json;

    /** Prints results to {@code out}, notices and progress to {@code err}; reads ETCD_* settings from {@code env}. */
    public BenchCommand(Map<String, String> env, PrintStream out, PrintStream err) {
        this.env = env;
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() {
        refuseWhatCameBeforeBench();
        BenchSettings settings = settings();
        ConnectionOptions.Connector connector;
        try {
            connector = connection.connector(env);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        if (client == ClientKind.tuned) {
            connector = connector.tuned();
        }
        // A progress line only for a person watching a terminal; never into a file, a pipe or a test's capture.
        Progress progress = new Progress(err, err == System.err && System.console() != null);
        try (Connection etcd = connector.open(0, err);
             BenchClients clients = BenchClients.open(etcd, settings.client().connections());
             Client compactor = settings.compactHistory()
                 ? etcd.clients().withTimeout(BenchKeys.COMPACTION_LIMIT).create(etcd.endpoints()) : null) {
            Benchmark.Outcome outcome;
            try {
                outcome = new Benchmark(clients, compactor, settings, etcd.clients().timeout(), progress, err)
                    .run(!etcd.throwaway());
            } catch (DemoFailure e) {
                throw etcd.explain(e);
            }
            // What was measured is printed, also when etcd stopped answering midway; then one line says where.
            print(outcome.results());
            if (outcome.failure() != null || outcome.cleanUp() != null) {
                throw etcd.explain(failureOf(outcome));
            }
            return failedRequests(outcome.results()) > 0 ? 1 : 0;
        }
    }

    private void print(List<BenchResult> results) {
        for (BenchResult result : results) {
            if (json) {
                out.println(BenchJson.of(result));
            } else {
                result.print(out);
            }
        }
        out.flush();
    }

    /** Says, on stderr, which levels had failed requests; returns how many. */
    private int failedRequests(List<BenchResult> results) {
        int failed = 0;
        for (BenchResult result : results) {
            if (result.errors() > 0) {
                err.println("poc: bench " + op + ", " + result.clients() + " in flight: " + result.errors() + " of "
                    + result.timed().requests() + " timed requests failed; the first: " + Failures.describe(result.timed().firstError()));
                failed++;
            }
        }
        return failed;
    }

    /** The run's failure, with the keys it could not delete named, so that the one line says both. */
    private static DemoFailure failureOf(Benchmark.Outcome outcome) {
        String left = outcome.cleanUp() == null ? "" : "; its keys under " + BenchKeys.PREFIX + " are still there (delete them "
            + "with 'etcdctl del --prefix " + BenchKeys.PREFIX + "' once etcd answers)";
        DemoFailure first = outcome.failure() != null ? outcome.failure() : outcome.cleanUp();
        return new DemoFailure(first.getMessage() + (outcome.failure() != null ? left : ""), first);
    }

    private BenchSettings settings() {
        if (levels.isEmpty()) {
            throw usage("--clients needs at least one number of requests in flight, like 16 or 256,16");
        }
        for (int level : levels) {
            requireAtLeast("--clients", level, 1);
            if (level > MAX_CLIENTS) {
                throw usage("--clients must be at most " + MAX_CLIENTS + ", was " + level);
            }
        }
        if (totals.isEmpty()) {
            throw usage("--total needs at least one count, like 20000 or 20000,5000");
        }
        if (totals.size() > 1 && totals.size() != levels.size()) {
            throw usage("--total has " + totals.size() + " counts and --clients " + levels.size()
                + (levels.size() == 1 ? " level" : " levels") + ": give one count for all levels, or one per level");
        }
        for (int total : totals) {
            requireAtLeast("--total", total, 1);
        }
        requireAtLeast("--min-per-client", minPerClient, 0);
        requireAtLeast("--key-space", keySpace, 1);
        requireAtLeast("--val-size", valSize, op == BenchOp.WATCH ? WatchWorkload.MIN_VALUE_SIZE : 0);
        // Checked before any value is allocated or etcd contacted.
        if (valSize > MAX_VAL_SIZE) {
            throw usage("--val-size " + valSize + " is over etcd's request limit: 1.5 MiB (" + ETCD_REQUEST_LIMIT
                + " bytes) by default, set by etcd's --max-request-bytes; give at most " + MAX_VAL_SIZE);
        }
        if (serializable && op != BenchOp.GET) {
            throw usage("--serializable applies to --op get only, not --op " + op);
        }
        return new BenchSettings(op, levels, totals, minPerClient, warmup, keySpace, valSize, serializable, compactHistory, clientSetup());
    }

    private ClientSetup clientSetup() {
        if (client == ClientKind.safe) {
            if (clientThreads != ThreadsConverter.AUTO) {
                throw usage("--client-threads applies to --client tuned only; the safe client runs on jetcd's own threads");
            }
            return ClientSetup.safe();
        }
        if (clientThreads > MAX_CLIENT_THREADS) {
            throw usage("--client-threads must be at most " + MAX_CLIENT_THREADS + ", was " + clientThreads);
        }
        return ClientSetup.tuned(clientThreads == ThreadsConverter.AUTO
            ? BenchClients.auto(Runtime.getRuntime().availableProcessors()) : clientThreads);
    }

    /**
     * picocli gives what comes before "bench" to the demo's command, which does not run: an -e there would
     * be dropped, and the benchmark would measure another etcd. Refused, with the command line that works.
     */
    private void refuseWhatCameBeforeBench() {
        OptionsBefore.refusal(spec, "the benchmark's", "poc bench -e http://127.0.0.1:2379").ifPresent(message -> {
            throw usage(message);
        });
    }

    private void requireAtLeast(String option, int value, int min) {
        if (value < min) {
            throw usage(option + " must be at least " + min + (option.equals("--val-size") && min > 0 ? " for --op " + op : "")
                + ", was " + value);
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    /** A count, or "auto" ({@link BenchSettings#AUTO_WARMUP}). */
    static final class WarmupConverter extends OptionValue<Integer> {
        @Override
        protected Integer parse(String value) {
            return countOrAuto(value, 0, BenchSettings.AUTO_WARMUP, "request count");
        }
    }

    /** A count of 1 or more, or "auto" ({@link #AUTO}: {@link BenchClients#auto}). */
    static final class ThreadsConverter extends OptionValue<Integer> {
        static final int AUTO = -1;

        @Override
        protected Integer parse(String value) {
            return countOrAuto(value, 1, AUTO, "thread count");
        }
    }

    /** {@code value} as a whole number of at least {@code min}, or {@code auto} for "auto"; {@code what} names it in the refusal. */
    private static int countOrAuto(String value, int min, int auto, String what) {
        if (value.trim().equalsIgnoreCase("auto")) {
            return auto;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= min) {
                return n;
            }
        } catch (NumberFormatException e) {
            // one message for both cases, below
        }
        throw new IllegalArgumentException("'" + value + "' is not a " + what + "; write a number of " + min + " or more, or auto");
    }

    static final class OpConverter extends OptionValue<BenchOp> {
        @Override
        protected BenchOp parse(String value) {
            return BenchOp.parse(value);
        }
    }
}
