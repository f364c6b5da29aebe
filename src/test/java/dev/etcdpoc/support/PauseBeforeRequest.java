package dev.etcdpoc.support;

import dev.etcdpoc.connect.ClientFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Holds a run just before its k-th etcd request (each gRPC call its clients start, counted from 1)
 * until the test lets it go: a fixed point before any request of a run, at which a test can inject a
 * fault, with no sleep and no race. With k = 0 it holds nothing and only records every request, in order.
 */
public final class PauseBeforeRequest implements ClientFactory.BeforeRequest {
    private final int k;
    private final List<String> requests = new ArrayList<>();
    private final HeldPoint point = new HeldPoint();
    private volatile String held;

    public PauseBeforeRequest(int k) {
        this.k = k;
    }

    /** Records without holding: to learn how many requests a run makes, and which. */
    public static PauseBeforeRequest counting() {
        return new PauseBeforeRequest(0);
    }

    @Override
    public void before(String method) {
        int n;
        synchronized (requests) {
            requests.add(method);
            n = requests.size();
        }
        if (n != k) {
            return;
        }
        held = method;
        point.holdHere();
    }

    /** True once the run is held before its k-th request, false if it did not get there within {@code timeout}. */
    public boolean awaitReached(Duration timeout) throws InterruptedException {
        return point.awaitReached(timeout);
    }

    /** The gRPC method of the request the run is held before, e.g. "etcdserverpb.KV/Put". */
    public String held() {
        return held;
    }

    /** Lets the run go on. */
    public void resume() {
        point.resume();
    }

    /** Every request so far, in the order they were started. */
    public List<String> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }
}
