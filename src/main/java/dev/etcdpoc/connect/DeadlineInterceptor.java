package dev.etcdpoc.connect;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Gives every unary etcd call (put, get, txn, lock, campaign...) a gRPC deadline, so a call to a
 * silent server is cancelled on the wire instead of lingering after we stopped waiting. Streams
 * (watch, lease keep-alive, observe) live as long as the demo needs them and get none.
 */
final class DeadlineInterceptor implements ClientInterceptor {
    private final Duration timeout;

    DeadlineInterceptor(Duration timeout) {
        this.timeout = timeout;
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        if (method.getType() == MethodDescriptor.MethodType.UNARY && options.getDeadline() == null) {
            options = options.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        return next.newCall(method, options);
    }
}
