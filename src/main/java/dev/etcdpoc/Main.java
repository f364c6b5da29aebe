package dev.etcdpoc;

import dev.etcdpoc.bench.BenchCommand;
import dev.etcdpoc.connect.ClientFactory;
import dev.etcdpoc.connect.Connection;
import dev.etcdpoc.connect.ConnectionOptions;
import dev.etcdpoc.core.Await;
import dev.etcdpoc.core.DemoFailure;
import dev.etcdpoc.core.Failures;
import dev.etcdpoc.core.Quoting;
import dev.etcdpoc.recipes.RecipeException;
import dev.etcdpoc.sections.SectionContext;
import dev.etcdpoc.sections.Sections;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** The command line: parses options, picks an etcd, runs the sections, turns failures into one line and an exit code. */
@Command(name = "poc", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, sortOptions = false,
    usageHelpAutoWidth = true,
    description = {"Shows how etcd behaves when used from Java through jetcd.",
        "With no SECTION it runs the .NET PoC's three: crud, watch, txn."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:success",
        "1:etcd could not be reached, refused the credentials or the TLS handshake, or refused a request; keys the demo "
            + "would write already exist; a section failed or saw a result its recipe does not produce; or the output "
            + "could not be written",
        "2:usage error: unknown option or section, a bad value, or a missing or unreadable certificate or key file"})
public final class Main implements Callable<Integer> {
    /** The shell's code for a run ended by SIGINT (128 + 2). */
    private static final int INTERRUPTED = 130;
    private final Map<String, String> env;
    private final PrintStream out;
    private final PrintStream err;
    private final ClientFactory.BeforeRequest beforeRequest;

    @Spec
    private CommandSpec spec;

    @Mixin
    private ConnectionOptions connection;

    @Option(names = "--local-cluster", paramLabel = "N",
        description = "Run against a throwaway N-member etcd cluster started from the etcd binary "
            + "(ETCD_BINARY, .etcd/bin/etcd, or the PATH) (1 to 7 members), stopped and deleted when the demo ends.")
    private Integer localCluster;

    @Option(names = "--compact-history",
        description = "Let the history section compact the etcd it runs against. Compaction is cluster-wide: it drops the "
            + "older revisions of every key, yours too. Without it, history compacts only a throwaway etcd.")
    private boolean compactHistory;

    @Option(names = "--list", description = "List the sections with a one-line summary, then exit.")
    private boolean list;

    @Option(names = "--verbose", description = "On failure, also print the stack trace and library logs.")
    private boolean verbose;

    @Mixin
    private CheckOptions check;

    @Parameters(paramLabel = "SECTION", arity = "0..*",
        description = "Sections to run, in the order given, or 'all' (every one but auth, which needs an etcd "
            + "with auth enabled, and check and versus, which take tens of seconds to minutes). See --list.")
    private List<String> sectionNames = new ArrayList<>();

    private Main(Map<String, String> env, PrintStream out, PrintStream err, ClientFactory.BeforeRequest beforeRequest) {
        this.env = env;
        this.out = out;
        this.err = err;
        this.beforeRequest = beforeRequest;
    }

    public static void main(String[] args) {
        // First: a plain java -jar with an archive made for this JDK runs the demo in a JVM started with it.
        OptionalInt relaunched = ArchiveRelaunch.runIfArchived();
        if (relaunched.isPresent()) {
            System.exit(relaunched.getAsInt());
        }
        // Options before 'bench' are refused, so a benchmark run has it first.
        NettyProperties.set(args.length > 0 && args[0].equals("bench"));
        ClassPreload.start();
        // A signal ends the run through the shutdown hooks, which close clients while libraries still run.
        Runtime.getRuntime().addShutdownHook(new Thread(Logging::silence, "silence-libraries-on-exit"));
        int code = execute(args, System.getenv(), System.out, System.err);
        Logging.silence();
        GrpcSharedEventLoops.endBeforeExit();
        System.exit(code);
    }

    /** Runs the command as {@link #main} would, printing to the given streams; returns the exit code. */
    public static int execute(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        return execute(args, env, out, err, null);
    }

    /**
     * As {@link #execute(String[], Map, PrintStream, PrintStream)}, telling {@code beforeRequest} before
     * each etcd request of the run (not the benchmark's): how a test holds a run at its k-th request.
     */
    public static int execute(String[] args, Map<String, String> env, PrintStream out, PrintStream err,
                              ClientFactory.BeforeRequest beforeRequest) {
        Main main = new Main(env, out, err, beforeRequest);
        PrintWriter help = new PrintWriter(out, true);
        CommandLine cl = new CommandLine(main).addSubcommand(new BenchCommand(env, out, err))
            .addSubcommand(new CheckHistoryCommand(out, err));
        cl.setOut(help);
        cl.setErr(new PrintWriter(err, true));
        cl.setParameterExceptionHandler((e, args2) -> {
            err.println("poc: " + Quoting.oneLine(e.getMessage()) + " (see --help)");
            return cl.getCommandSpec().exitCodeOnInvalidInput();
        });
        cl.setExecutionExceptionHandler((e, command, parseResult) -> {
            if (shuttingDown()) {
                // Ctrl-C or SIGTERM: the shutdown hooks stop a throwaway etcd under the run, so what
                // failed next is a consequence, not news. One line says what happened.
                err.println("poc: interrupted");
                return INTERRUPTED;
            }
            err.println("poc: " + Quoting.oneLine(e instanceof DemoFailure ? e.getMessage() : Failures.describe(e)));
            if (main.verbose) {
                e.printStackTrace(err);
            }
            return cl.getCommandSpec().exitCodeOnExecutionException();
        });
        cl.setExecutionStrategy(parsed -> {
            Logging.configure(main.verbose);
            return new CommandLine.RunLast().execute(parsed);
        });
        int code = cl.execute(args);
        // PrintStream and PrintWriter swallow write errors: a full disk or a closed pipe would
        // otherwise end in exit 0 with the results lost. checkError() flushes, then tells.
        if ((help.checkError() | out.checkError()) && code == 0) {
            err.println("poc: the output could not be written (standard output failed: disk full, or a closed pipe?); "
                + "what it printed is incomplete");
            return 1;
        }
        return code;
    }

    /** True once the JVM is shutting down: it then refuses new shutdown hooks. */
    private static boolean shuttingDown() {
        Thread probe = new Thread(() -> { });
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }

    @Override
    public Integer call() throws InterruptedException {
        if (list) {
            Sections.all().forEach(s -> out.printf("%-10s %s%n", s.name(), s.summary()));
            return 0;
        }
        List<Sections.Entry> chosen = chosenSections();
        refuseMisplacedCheckOptions(chosen);
        ConnectionOptions.Connector connector;
        try {
            connector = connection.connector(env).withBeforeRequest(beforeRequest);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (localCluster != null && (localCluster < 1 || localCluster > 7)) {
            throw new ParameterException(spec.commandLine(), "--local-cluster takes 1 to 7 members, not " + localCluster);
        }
        List<String> keys = chosen.stream().filter(e -> !e.needs().ownCluster())
            .flatMap(e -> e.section().keys().stream()).distinct().collect(Collectors.toList());
        if (chosen.stream().allMatch(e -> e.needs().ownCluster())) {
            run(chosen, new SectionContext(null, out, connector.clients(), null, false, check.plan()));
            return 0;
        }
        try (Connection etcd = connector.open(localCluster == null ? 0 : localCluster, err)) {
            try {
                if (etcd.throwaway()) {
                    // Nobody else can use an etcd this run started: no turn to wait for, no data of others.
                    run(chosen, new SectionContext(etcd.client(), out, etcd.clients(), etcd.endpoints(), true, check.plan()));
                } else {
                    try (OneRunAtATime turn = OneRunAtATime.take(etcd.client(), etcd.clients().timeout(), etcd.clients().namespace(), err)) {
                        ExistingKeys.refuseIfAny(etcd.client(), keys, etcd.clients().namespace(), etcd.clients().timeout());
                        run(chosen, new SectionContext(etcd.client(), out, etcd.clients(), etcd.endpoints(), compactHistory,
                            check.plan()));
                        turn.requireHeld();
                    }
                }
            } catch (DemoFailure e) {
                throw etcd.explain(e);
            } catch (RecipeException e) {
                // A recipe's words (its request, jetcd's cause) as the demo's own failures read.
                throw etcd.explain(Await.failure(e.getMessage(), e.getCause() != null ? e.getCause() : e, etcd.clients().timeout()));
            }
        }
        return 0;
    }

    private void run(List<Sections.Entry> sections, SectionContext ctx) throws InterruptedException {
        out.println("=== etcd PoC with Java ===");
        for (Sections.Entry entry : sections) {
            out.println();
            out.println("--- " + entry.title() + " ---");
            entry.section().run(ctx);
        }
        out.println();
        out.println("Done.");
        out.flush();
    }

    /**
     * The check section's options without the check section would be silently ignored; and the check (and
     * versus) kills, freezes and cuts off the members of the cluster it runs on, so it runs on its own, never
     * on an etcd given with --endpoints.
     */
    private void refuseMisplacedCheckOptions(List<Sections.Entry> chosen) {
        boolean checking = chosen.stream().anyMatch(e -> e.name().equals(Sections.CHECK));
        boolean versus = chosen.stream().anyMatch(e -> e.name().equals(Sections.VERSUS));
        List<String> given = new ArrayList<>(check.given());
        if (versus) {
            given.remove("--report");   // versus draws its three runs' timelines on one page too
        }
        if (!checking && !given.isEmpty()) {
            throw new ParameterException(spec.commandLine(), String.join(", ", given) + (given.size() == 1 ? " is" : " are")
                + " for the check section only: name it, as in 'poc check --members 5 --duration 30s'"
                + (given.contains("--report") ? " ('poc versus --report FILE' draws versus's runs)" : ""));
        }
        if (checking && spec.commandLine().getParseResult().hasMatchedOption("--endpoints")) {
            throw new ParameterException(spec.commandLine(), "check kills, freezes and cuts off the members of the cluster it "
                + "runs on, so it starts one of its own and never runs on --endpoints: leave --endpoints out, or run check apart "
                + "from the sections you point at your etcd");
        }
        if (versus && spec.commandLine().getParseResult().hasMatchedOption("--endpoints")) {
            throw new ParameterException(spec.commandLine(), "versus kills, freezes and cuts off members of the etcd and Redis "
                + "it starts itself, and never runs on --endpoints: leave --endpoints out, or run versus apart from the sections "
                + "you point at your etcd");
        }
    }

    private List<Sections.Entry> chosenSections() {
        List<String> names = sectionNames.isEmpty() ? Sections.POC : sectionNames;
        List<Sections.Entry> chosen = new ArrayList<>();
        for (String name : names) {
            if (name.equals("all")) {
                chosen.addAll(Sections.forAll());
                continue;
            }
            chosen.add(Sections.named(name).orElseThrow(() -> new ParameterException(spec.commandLine(),
                "unknown section '" + name + "'; valid sections: " + String.join(", ", Sections.names()) + ", all")));
        }
        return chosen;
    }

    /** --version: this demo's version and the jetcd it was built with. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("/version.properties")) {
                p.load(in);
            }
            return new String[] {"poc " + p.getProperty("version") + " (jetcd " + p.getProperty("jetcd") + ", Java "
                + System.getProperty("java.version") + ")"};
        }
    }
}
