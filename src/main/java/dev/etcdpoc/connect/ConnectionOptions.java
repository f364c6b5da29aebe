package dev.etcdpoc.connect;

import dev.etcdpoc.core.Durations;
import dev.etcdpoc.core.Endpoints;
import java.io.Console;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import picocli.CommandLine.Option;

/**
 * How to reach etcd: the options shared by the demo and the benchmark, with their environment
 * fall-backs. The names are etcdctl's, so habits carry over; the variables are etcdctl's with
 * ETCD_ instead of ETCDCTL_.
 */
public final class ConnectionOptions {
    /** What picocli puts in {@link #password} for a bare --password: ask on the console. */
    private static final String ASK = "\0ask";

    @Option(names = {"-e", "--endpoints"}, paramLabel = "URLS", converter = EndpointsConverter.class,
        description = "Comma-separated etcd client URLs (env: ETCD_ENDPOINTS). Default: " + Endpoints.DEFAULT
            + ", or a throwaway local etcd when nothing answers there and there is an etcd binary "
            + "(ETCD_BINARY, .etcd/bin/etcd from scripts/install-etcd.sh, or the PATH).")
    private Endpoints endpoints;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "5s", converter = DurationConverter.class,
        description = "Deadline for one try of an etcd request, like 5s or 500ms, from 10ms to 1h (default: ${DEFAULT-VALUE}). "
            + "A request that gets no answer, or a passing refusal (no leader, an election), is sent again where that is "
            + "safe, to another member when there are several: one request takes at most twice this (two and a half while etcd "
            + "elects a leader; a lock or a campaign, which etcd holds until its turn comes, three times).")
    private Duration timeout;

    @Option(names = "--namespace", paramLabel = "PREFIX",
        description = "Put every key this run uses under PREFIX (jetcd's namespace; the output still shows the keys without it), "
            + "to keep apart from other data on a shared etcd, e.g. --namespace tmp/poc/ (mind the trailing /). An empty or "
            + "blank PREFIX is refused: leave the option out for none.")
    private String namespace;

    @Option(names = "--user", paramLabel = "USER",
        description = "Authenticate as this etcd user (env: ETCD_USER); needs a password. For the etcd given: a section "
            + "that starts a cluster of its own (failover, check) connects to that one without credentials or TLS.")
    private String user;

    @Option(names = "--password", paramLabel = "PASSWORD", arity = "0..1", fallbackValue = ASK,
        description = "Password of --user (env: ETCD_PASSWORD). Without a value (last on the line, or before another "
            + "option) it is asked for on the console, without echo: a password typed as a value stays in the shell history.")
    private String password;

    @Option(names = "--cacert", paramLabel = "FILE",
        description = "Trust the CA certificate in this PEM file for https endpoints, instead of the JDK's CAs (env: ETCD_CACERT).")
    private Path caCert;

    @Option(names = "--cert", paramLabel = "FILE",
        description = "Client certificate (PEM) for mutual TLS; needs --key (env: ETCD_CERT).")
    private Path cert;

    @Option(names = "--key", paramLabel = "FILE",
        description = "Private key of --cert, unencrypted PKCS#8 PEM (env: ETCD_KEY).")
    private Path key;

    /**
     * What these options and their environment fall-backs describe, checked before anything is
     * contacted: a bad endpoint, a missing file or a TLS option for http endpoints is a usage error,
     * not a failed connection later.
     *
     * @throws IllegalArgumentException a usage error, phrased for the user
     */
    public Connector connector(Map<String, String> env) {
        Optional<Endpoints> given = givenEndpoints(env);
        return new Connector(given, clientFactory(env, given));
    }

    /** How to connect, once the options are known to be sound. */
    public static final class Connector {
        private final Optional<Endpoints> given;
        private final ClientFactory clients;

        private Connector(Optional<Endpoints> given, ClientFactory clients) {
            this.given = given;
            this.clients = clients;
        }

        /** The client set-up, for what connects elsewhere (a section's own cluster). */
        public ClientFactory clients() {
            return clients;
        }

        /** The same, with the benchmark's throughput tuning ({@link ClientFactory#withTuning()}). */
        public Connector tuned() {
            return new Connector(given, clients.withTuning());
        }

        /** The same, telling {@code hook} before each request every client makes (see {@link ClientFactory.BeforeRequest}). */
        public Connector withBeforeRequest(ClientFactory.BeforeRequest hook) {
            return hook == null ? this : new Connector(given, clients.withBeforeRequest(hook));
        }

        /** Connects to the given etcd, else localhost, else a throwaway one; or to a throwaway {@code localCluster}-member cluster. */
        public Connection open(int localCluster, PrintStream notices) {
            return Connection.open(given, clients, localCluster, notices);
        }
    }

    /** The endpoints the user asked for, from the option or else ETCD_ENDPOINTS. */
    private Optional<Endpoints> givenEndpoints(Map<String, String> env) {
        if (endpoints != null) {
            return Optional.of(endpoints);
        }
        String fromEnv = env.get("ETCD_ENDPOINTS");
        if (fromEnv == null || fromEnv.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Endpoints.parse(fromEnv));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("ETCD_ENDPOINTS: " + e.getMessage());
        }
    }

    private ClientFactory clientFactory(Map<String, String> env, Optional<Endpoints> given) {
        ClientTls.PemFile caFile = file(caCert, "--cacert", env, "ETCD_CACERT");
        ClientTls.PemFile certFile = file(cert, "--cert", env, "ETCD_CERT");
        ClientTls.PemFile keyFile = file(key, "--key", env, "ETCD_KEY");
        if (certFile != null && keyFile == null) {
            throw new IllegalArgumentException(certFile.option() + " needs --key (or ETCD_KEY): the client certificate's private key");
        }
        if (keyFile != null && certFile == null) {
            throw new IllegalArgumentException(keyFile.option() + " needs --cert (or ETCD_CERT): the certificate of that key");
        }
        Optional<ClientTls.PemFile> tlsOption = Stream.of(caFile, certFile).filter(f -> f != null).findFirst();
        if (tlsOption.isPresent() && (given.isEmpty() || !given.get().tls())) {
            throw new IllegalArgumentException(tlsOption.get().option() + " is for https endpoints, and "
                + given.map(e -> e + " is plain http; write it as https://" + e.uris().get(0).getAuthority())
                    .orElse("no endpoint is given; give one like --endpoints https://127.0.0.1:2379"));
        }
        Credentials credentials = credentials(env);
        if (namespace != null && namespace.isBlank()) {
            throw new IllegalArgumentException("--namespace is " + (namespace.isEmpty() ? "empty" : "blank")
                + "; give a key prefix like tmp/poc/, or leave the option out for none");
        }
        return new ClientFactory(timeout, credentials,
            given.isPresent() && given.get().tls() ? ClientTls.context(caFile, certFile, keyFile) : null,
            namespace == null ? "" : namespace);
    }

    private Credentials credentials(Map<String, String> env) {
        String name = user != null ? user : env.get("ETCD_USER");
        String secret = password != null ? password : env.get("ETCD_PASSWORD");
        if (name == null) {
            if (password != null) {
                throw new IllegalArgumentException("--password needs --user (or ETCD_USER): the user it belongs to");
            }
            return null;
        }
        if (name.isBlank()) {
            throw new IllegalArgumentException("--user (or ETCD_USER) is empty; give the etcd user name");
        }
        if (secret == null) {
            throw new IllegalArgumentException("--user " + name + " needs a password: add --password to be asked for it, "
                + "or set ETCD_PASSWORD");
        }
        if (secret.equals(ASK)) {
            secret = ask(name);
        }
        if (secret.isEmpty()) {
            throw new IllegalArgumentException("the password of --user " + name + " is empty");
        }
        return new Credentials(name, secret);
    }

    private static String ask(String name) {
        Console console = System.console();
        if (console == null) {
            throw new IllegalArgumentException("--password without a value asks for it on the console, and there is none; "
                + "set ETCD_PASSWORD instead");
        }
        char[] typed = console.readPassword("Password of etcd user %s: ", name);
        if (typed == null) {
            throw new IllegalArgumentException("no password was typed for --user " + name);
        }
        return new String(typed);
    }

    /** The option's file, else the variable's; named as the user gave it, for messages. */
    private static ClientTls.PemFile file(Path option, String optionName, Map<String, String> env, String variable) {
        if (option != null) {
            return new ClientTls.PemFile(optionName, option);
        }
        String fromEnv = env.get(variable);
        return fromEnv == null || fromEnv.isBlank() ? null : new ClientTls.PemFile(variable, Path.of(fromEnv));
    }

    static final class EndpointsConverter extends OptionValue<Endpoints> {
        @Override
        protected Endpoints parse(String value) {
            return Endpoints.parse(value);
        }
    }

    /**
     * A request deadline from 10 ms to 1 h: below 10 ms not even a healthy local etcd answers (and
     * jetcd's retry back-off, a fraction of it, would round to zero); above an hour a dead etcd
     * would look like a hung program (and gRPC's connect timeout has an upper bound).
     */
    static final class DurationConverter extends OptionValue<Duration> {
        static final Duration MIN = Duration.ofMillis(10);
        static final Duration MAX = Duration.ofHours(1);

        @Override
        protected Duration parse(String value) {
            Duration d = Durations.parsePositive(value);
            if (d.compareTo(MIN) < 0 || d.compareTo(MAX) > 0) {
                throw new IllegalArgumentException("'" + value + "' is outside 10ms..1h; give a deadline like 5s or 500ms");
            }
            return d;
        }
    }
}
