package dev.etcdpoc.connect;

import static dev.etcdpoc.core.Bytes.bytes;

import dev.etcdpoc.core.Await;
import dev.etcdpoc.core.DemoFailure;
import dev.etcdpoc.core.Endpoints;
import dev.etcdpoc.core.Failures;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;
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
public record ClientFactory(Duration timeout, Credentials credentials, SslContext tls, String namespace, boolean tuned,
                            boolean oneAttempt, BeforeRequest beforeRequest, LatestRevision seen) {
    /** How soon jetcd sends a call again once it renewed an expired auth token, where RetryPolicy does the rest. */
    private static final Duration RENEWED_TOKEN_RETRY = Duration.ofMillis(50);

    /**
     * Told of each etcd request a client of this factory is about to send (each gRPC call: a unary
     * request with all its attempts, or a stream), on the thread that sends it: a test can hold a run
     * there, at an exact point, and inject a fault.
     */
    public interface BeforeRequest {
        /** {@code method} is gRPC's full method name, e.g. "etcdserverpb.KV/Put". */
        void before(String method);
    }

    /**
     * @param credentials   user and password to authenticate with, or {@code null}
     * @param tls           for https endpoints (see {@link ClientTls}); {@code null}: the JDK's trusted CAs, no client certificate
     * @param namespace     a prefix jetcd adds to every key it sends and strips from every key it returns ("" for none)
     * @param tuned         the benchmark's throughput set-up ({@link #withTuning()}) instead of jetcd's own threads
     * @param oneAttempt    each request sent once, with its deadline ({@link #withOneAttemptPerRequest()})
     * @param beforeRequest told before each request, or {@code null}
     * @param seen          the newest revision this factory's clients have seen, shared by them all
     */
    public ClientFactory {
    }

    /** The demo's client set-up for one etcd: jetcd's own threads, no hook. */
    public ClientFactory(Duration timeout, Credentials credentials, SslContext tls, String namespace) {
        this(timeout, credentials, tls, namespace, false, false, null, new LatestRevision());
    }

    /** Plain http, no credentials, no namespace: how the tests look at etcd. */
    public ClientFactory(Duration timeout) {
        this(timeout, null, null, "");
    }

    /**
     * The same set-up, tuned for throughput as BENCHMARKS.md measured: each client it builds handles
     * every request and answer on ONE I/O thread of its own (a Vert.x event loop, Linux epoll, with
     * one connection per member), where jetcd's defaults pass each request through three threads
     * (jetcd's pool, Netty's event loop, gRPC's callback pool); on a 2-core machine those switches
     * cost more CPU than the request itself, and this halves the client CPU per put. One thread is
     * also one core's worth of requests: to use more cores, build more clients and deal the requests
     * among them, as the benchmark does ({@code bench --client-threads}). THE RULE IT BRINGS: jetcd's
     * futures then complete on that I/O thread, so a callback must never block — one blocking
     * {@code thenAccept} or watch listener freezes the whole client (jetcd issues 1089, 1297, 1426).
     * Wait on futures from your own threads only.
     */
    public ClientFactory withTuning() {
        return new ClientFactory(timeout, credentials, tls, namespace, true, oneAttempt, beforeRequest, seen);
    }

    /** The same set-up, authenticating as another user (or as nobody, with {@code null}). */
    public ClientFactory as(Credentials other) {
        return new ClientFactory(timeout, other, tls, namespace, tuned, oneAttempt, beforeRequest, seen);
    }

    /**
     * The same deadlines for a cluster this run started itself (the failover section's): not the
     * user's credentials, TLS or namespace, which are for the user's etcd only.
     */
    public ClientFactory forOwnCluster() {
        return new ClientFactory(timeout, null, null, "", tuned, oneAttempt, beforeRequest, new LatestRevision());
    }

    /**
     * The same set-up, each request sent once with its deadline: no second attempt, no read-back of a write
     * that got no answer. For clients whose calls are recorded as etcd answered them (the check's): a
     * write sent again may be applied twice — a member frozen with the first attempt in its socket applies
     * it when it thaws, after the second succeeded elsewhere — and an answer the retry layer made from a
     * read-back is not etcd's. The caller must take a write that failed as one that may have been applied.
     */
    public ClientFactory withOneAttemptPerRequest() {
        return new ClientFactory(timeout, credentials, tls, namespace, tuned, true, beforeRequest, seen);
    }

    /** The same set-up with another request deadline. */
    public ClientFactory withTimeout(Duration requestTimeout) {
        return new ClientFactory(requestTimeout, credentials, tls, namespace, tuned, oneAttempt, beforeRequest, seen);
    }

    /** The same set-up, telling {@code hook} before each request. */
    public ClientFactory withBeforeRequest(BeforeRequest hook) {
        return new ClientFactory(timeout, credentials, tls, namespace, tuned, oneAttempt, hook, seen);
    }

    public Client create(Endpoints endpoints) {
        return create(endpoints, null);
    }

    /** A client to {@code endpoints} that tells {@code leases} (if not null) of every lease it grants and revokes. */
    public Client create(Endpoints endpoints, GrantedLeases leases) {
        SkipSilentMembers.register();
        EndpointResolver.register();
        boolean severalMembers = endpoints.uris().size() > 1;
        boolean deadlineOnly = tuned || oneAttempt;
        ClientBuilder builder = Client.builder()
            // Not jetcd's endpoints(): its target cannot hold an IPv6 literal such as [::1]. No
            // authority() either: each member keeps its own host:port, so gRPC checks each server's
            // certificate against the host of its own URL.
            .target(EndpointResolver.target(endpoints))
            // jetcd's default waitForReady makes every call queue until a connection exists, forever
            // when etcd is down; without it a call to a dead endpoint fails fast with UNAVAILABLE.
            .waitForReady(false)
            .connectTimeout(timeout)
            // jetcd's round robin, minus a member that stopped answering (frozen, not crashed).
            .loadBalancerPolicy(SkipSilentMembers.NAME)
            // Every request's deadlines and second attempts: RetryPolicy is the one table of them.
            .interceptor(new RetryInterceptor(timeout, severalMembers, deadlineOnly, leases, seen));
        // On top of that, jetcd sends idempotent calls (get, lease, lock) again on UNAVAILABLE, after a
        // back-off, and any call whose auth token expired, once it has renewed the token.
        if (severalMembers && !deadlineOnly) {
            // RetryPolicy has sent it to every member already, and after it gave up (no quorum) jetcd's back-offs
            // would only make each clean-up request of a failing run wait 1.5 s more: jetcd's retry is left for
            // the renewed token, at once.
            builder.retryDelay(RENEWED_TOKEN_RETRY.toMillis())
                .retryMaxDelay(RENEWED_TOKEN_RETRY.toMillis() * 2)   // jetcd's back-off wants it longer than the first
                .retryMaxDuration(RENEWED_TOKEN_RETRY.multipliedBy(2));
        } else {
            // With one member RetryPolicy does not resend a refused connection (there is no other member to
            // ask): jetcd's retry does, within our deadline (its first back-off must be shorter than that).
            builder.retryDelay(Math.min(500, timeout.toMillis() / 5))
                .retryMaxDelay(Math.min(2500, timeout.toMillis() / 2))
                .retryMaxDuration(timeout);
        }
        if (beforeRequest != null) {
            // Added last, so gRPC calls it first: once per request, before any of its attempts.
            builder.interceptor(new ClientInterceptor() {
                @Override
                public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
                    beforeRequest.before(method.getFullMethodName());
                    return next.newCall(method, options);
                }
            });
        }
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
