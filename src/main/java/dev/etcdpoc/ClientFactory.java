package dev.etcdpoc;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Duration;

/**
 * The one place a jetcd {@link Client} is built, so the demo sections, the benchmark and the
 * tests all use the set-up the benchmark measured (BENCHMARKS.md).
 *
 * <p>Every request and every answer is handled on ONE I/O thread, with the Linux epoll transport:
 * jetcd's defaults pass each request through three threads (jetcd's pool, Netty's event loop,
 * gRPC's callback pool), and on a 2-core machine those thread switches cost more CPU than the
 * request itself — the set-up below halves the client CPU per put. The price: jetcd's futures
 * complete on that I/O thread, so a callback ({@code thenAccept}, a watch listener) must never
 * block; wait on futures from your own threads, as the sections do through {@link Await}.
 */
public final class ClientFactory {
    /** For the before/after comparison in BENCHMARKS.md only: {@code -Dpoc.plainJetcd=true} builds jetcd's default threads. */
    private static final boolean PLAIN_JETCD = Boolean.getBoolean("poc.plainJetcd");

    private final Duration timeout;

    public ClientFactory(Duration timeout) {
        this.timeout = timeout;
    }

    public Duration timeout() {
        return timeout;
    }

    public Client create(Endpoints endpoints) {
        ClientBuilder builder = Client.builder()
            .endpoints(endpoints.uris())
            // jetcd's default waitForReady makes every call queue until a connection exists, forever
            // when etcd is down; without it a call to a dead endpoint fails fast with UNAVAILABLE.
            .waitForReady(false)
            .connectTimeout(timeout)
            // Idempotent calls (get) are retried on UNAVAILABLE, but never past our deadline.
            .retryMaxDuration(timeout)
            .interceptor(new DeadlineInterceptor(timeout));
        if (!PLAIN_JETCD) {
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
                    .setUseDaemonThread(true)));
        }
        return builder.build();
    }
}
