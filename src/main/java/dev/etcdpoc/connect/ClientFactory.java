package dev.etcdpoc.connect;

import static dev.etcdpoc.core.Bytes.bytes;

import dev.etcdpoc.core.Await;
import dev.etcdpoc.core.DemoFailure;
import dev.etcdpoc.core.Endpoints;
import dev.etcdpoc.core.Failures;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.netty.handler.ssl.SslContext;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import java.io.PrintStream;
import java.time.Duration;

/**
 * The one place a jetcd {@link Client} is built, for the demo sections, the benchmark and the tests:
 * deadlines, credentials, TLS, routing around a silent member.
 *
 * <p>The client the demo builds is the one a service should copy: jetcd's own threads, where a
 * callback ({@code thenAccept}, a watch listener) may block without freezing the client. The
 * benchmark adds {@link #withTuning()} on top; see there for what it changes and the rule it brings.
 */
public record ClientFactory(Duration timeout, Credentials credentials, SslContext tls, String namespace, boolean tuned) {

    /**
     * @param credentials user and password to authenticate with, or {@code null}
     * @param tls         for https endpoints (see {@link ClientTls}); {@code null}: the JDK's trusted CAs, no client certificate
     * @param namespace   a prefix jetcd adds to every key it sends and strips from every key it returns ("" for none)
     * @param tuned       the benchmark's throughput set-up ({@link #withTuning()}) instead of jetcd's own threads
     */
    public ClientFactory {
    }

    /** Plain http, no credentials, no namespace: how the tests look at etcd. */
    public ClientFactory(Duration timeout) {
        this(timeout, null, null, "", false);
    }

    /**
     * The same set-up, tuned for throughput as BENCHMARKS.md measured: every request and answer is
     * handled on ONE I/O thread (a Vert.x event loop, Linux epoll), where jetcd's defaults pass each
     * request through three threads (jetcd's pool, Netty's event loop, gRPC's callback pool); on a
     * 2-core machine those switches cost more CPU than the request itself, and this halves the client
     * CPU per put. THE RULE IT BRINGS: jetcd's futures then complete on that I/O thread, so a
     * callback must never block — one blocking {@code thenAccept} or watch listener freezes the whole
     * client (jetcd issues 1089, 1297, 1426). Wait on futures from your own threads only.
     */
    public ClientFactory withTuning() {
        return new ClientFactory(timeout, credentials, tls, namespace, true);
    }

    /** The same set-up, authenticating as another user (or as nobody, with {@code null}). */
    public ClientFactory as(Credentials other) {
        return new ClientFactory(timeout, other, tls, namespace, tuned);
    }

    /** The same set-up with another request deadline. */
    public ClientFactory withTimeout(Duration requestTimeout) {
        return new ClientFactory(requestTimeout, credentials, tls, namespace, tuned);
    }

    public Client create(Endpoints endpoints) {
        SkipSilentMembers.register();
        EndpointResolver.register();
        ClientBuilder builder = Client.builder()
            // Not jetcd's endpoints(): its target cannot hold an IPv6 literal such as [::1]. No
            // authority() either: each member keeps its own host:port, so gRPC checks each server's
            // certificate against the host of its own URL.
            .target(EndpointResolver.target(endpoints))
            // jetcd's default waitForReady makes every call queue until a connection exists, forever
            // when etcd is down; without it a call to a dead endpoint fails fast with UNAVAILABLE.
            .waitForReady(false)
            .connectTimeout(timeout)
            // Idempotent calls (get) are retried on UNAVAILABLE, but never past our deadline
            // (jetcd requires the first back-off to be shorter than that: 500 ms by default).
            .retryDelay(Math.min(500, timeout.toMillis() / 5))
            .retryMaxDelay(Math.min(2500, timeout.toMillis() / 2))
            .retryMaxDuration(timeout)
            // jetcd's round robin, minus a member that stopped answering (frozen, not crashed).
            .loadBalancerPolicy(SkipSilentMembers.NAME)
            .interceptor(new DeadlineInterceptor(timeout, endpoints.uris().size() > 1));
        if (tuned) {
            builder
                // jetcd starts each call on this executor: start it right here instead.
                .executorService(new SameThreadExecutor())
                // jetcd's Vert.x channel runs on one event loop, and gRPC hands it the answers on
                // that loop (its default channel uses a pool of loops, and another pool for answers).
                .vertx(Vertx.vertx(new VertxOptions()
                    .setEventLoopPoolSize(1)
                    // epoll when netty-transport-native-epoll loads (Linux), else Java NIO
                    .setPreferNativeTransport(true)
                    // like jetcd's own Vert.x: a client left open does not keep the JVM alive
                    .setUseDaemonThread(true)
                    // Vert.x otherwise makes a vertx-cache-* folder in the temp dir at start and deletes
                    // it only once its close completes; jetcd closes it without waiting, so a JVM that
                    // exits right after (or is killed) leaves the folder behind. The client reads no files.
                    .setFileSystemOptions(new FileSystemOptions().setClassPathResolvingEnabled(false).setFileCachingEnabled(false))));
        }
        if (endpoints.tls()) {
            // jetcd speaks TLS when given an SslContext, whatever the URL's scheme says.
            builder.sslContext(tls != null ? tls : ClientTls.context(null, null, null));
        }
        if (!namespace.isEmpty()) {
            // Every key the sections use - KV, watch, lock and election alike - then lives under the
            // prefix, and comes back without it: the output reads the same.
            builder.namespace(bytes(namespace));
        }
        if (credentials != null) {
            builder.user(bytes(credentials.user())).password(bytes(credentials.password()));
        }
        return builder.build();
    }

    /**
     * This factory, once etcd at {@code endpoints} has accepted its credentials. An etcd with auth
     * disabled refuses to authenticate anyone ("authentication is not enabled"), and jetcd would then
     * fail every call; like etcd's Go client, the demo goes on without them, and says so on {@code notices}.
     *
     * @throws DemoFailure when etcd cannot be reached or refuses the credentials
     */
    public ClientFactory checkedAgainst(Endpoints endpoints, PrintStream notices) {
        if (credentials == null) {
            return this;
        }
        // Every member may list members, so this only tests the credentials, not a permission.
        try (Client client = create(endpoints)) {
            Await.result(client.getClusterClient().listMember(), timeout, "authenticate as " + credentials.user());
            return this;
        } catch (DemoFailure e) {
            if (!Failures.isAuthDisabled(e)) {
                throw e;
            }
        }
        notices.println("poc: etcd at " + endpoints + " has authentication disabled, so --user " + credentials.user()
            + " is not needed; going on without credentials.");
        return as(null);
    }
}
