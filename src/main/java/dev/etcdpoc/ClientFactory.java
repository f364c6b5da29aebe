package dev.etcdpoc;

import io.etcd.jetcd.Client;
import java.time.Duration;

/**
 * The one place a jetcd {@link Client} is built, so the demo sections, the benchmark and the
 * tests all use the set-up the benchmark measured.
 */
public final class ClientFactory {
    private final Duration timeout;

    public ClientFactory(Duration timeout) {
        this.timeout = timeout;
    }

    public Duration timeout() {
        return timeout;
    }

    /** The same set-up with another request deadline. */
    public ClientFactory withTimeout(Duration requestTimeout) {
        return new ClientFactory(requestTimeout);
    }

    public Client create(Endpoints endpoints) {
        return Client.builder()
            .endpoints(endpoints.uris())
            // jetcd's default waitForReady makes every call queue until a connection exists, forever
            // when etcd is down; without it a call to a dead endpoint fails fast with UNAVAILABLE.
            .waitForReady(false)
            .connectTimeout(timeout)
            // Idempotent calls (get) are retried on UNAVAILABLE, but never past our deadline
            // (jetcd requires the first back-off to be shorter than that: 500 ms by default).
            .retryDelay(Math.min(500, timeout.toMillis() / 5))
            .retryMaxDelay(Math.min(2500, timeout.toMillis() / 2))
            .retryMaxDuration(timeout)
            .interceptor(new DeadlineInterceptor(timeout))
            .build();
    }
}
