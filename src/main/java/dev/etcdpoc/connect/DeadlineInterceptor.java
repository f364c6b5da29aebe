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
 * silent server is cancelled on the wire instead of lingering after we stopped waiting. With more
 * than one member, a call that ran past it goes once more to another member where that is safe
 * ({@link RetryOnAnotherMember}). Streams (watch, lease keep-alive, observe) live as long as the
 * demo needs them and get none.
 */
final class DeadlineInterceptor implements ClientInterceptor {
    private final Duration timeout;
    private final boolean severalMembers;

    DeadlineInterceptor(Duration timeout, boolean severalMembers) {
        this.timeout = timeout;
        this.severalMembers = severalMembers;
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        if (method.getType() != MethodDescriptor.MethodType.UNARY || options.getDeadline() != null) {
            return next.newCall(method, options);
        }
        if (severalMembers) {
            return new RetryOnAnotherMember<>(next, method, options, timeout);
        }
        return next.newCall(method, options.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS));
    }
}
