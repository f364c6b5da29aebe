package dev.etcdpoc.connect;

import com.google.protobuf.Descriptors;
import com.google.protobuf.MessageOrBuilder;
import dev.etcdpoc.core.Await;
import io.etcd.jetcd.api.LeaseGrantResponse;
import io.etcd.jetcd.api.LeaseRevokeRequest;
import io.etcd.jetcd.api.ResponseHeader;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hands every unary etcd request of one client (put, get, txn, lease, lock, campaign...) to the retry
 * policy ({@link RetryingCall}, {@link RetryPolicy}), each attempt with a gRPC deadline, so a request
 * to a silent member is cancelled on the wire instead of lingering after we stopped waiting. Streams
 * (watch, lease keep-alive, observe) live as long as the program needs them and get none: their
 * owners re-open them. The benchmark's tuned client only gets the deadline: it measures the requests, not
 * the recovery; so does a client with one attempt per request, whose calls are recorded as etcd answered them.
 */
final class RetryInterceptor implements ClientInterceptor {
    private final ClientMemory memory;
    private final boolean deadlineOnly;

    /**
     * @param leases told of every lease this client grants and revokes, or null
     * @param seen   the newest revision answered to this or another client of the run
     */
    RetryInterceptor(Duration timeout, boolean severalMembers, boolean deadlineOnly, GrantedLeases leases, LatestRevision seen) {
        this.memory = new ClientMemory(timeout, severalMembers, leases, seen);
        this.deadlineOnly = deadlineOnly;
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        if (method.getType() != MethodDescriptor.MethodType.UNARY && !deadlineOnly) {
            return notingNoLeader(next.newCall(method, options));
        }
        if (method.getType() != MethodDescriptor.MethodType.UNARY || options.getDeadline() != null) {
            return next.newCall(method, options);
        }
        if (deadlineOnly) {
            return next.newCall(method, options.withDeadlineAfter(memory.timeout().toMillis(), TimeUnit.MILLISECONDS));
        }
        return new RetryingCall<>(next, method, options, memory);
    }

    /**
     * A stream whose end for want of a leader the client's memory notes: etcd ends a watch that requires a
     * leader once its member has been without one for three election timeouts.
     */
    private <Q, R> ClientCall<Q, R> notingNoLeader(ClientCall<Q, R> stream) {
        return new ForwardingClientCall.SimpleForwardingClientCall<>(stream) {
            @Override
            public void start(Listener<R> listener, Metadata headers) {
                super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                    @Override
                    public void onClose(Status status, Metadata trailers) {
                        memory.ended(status);
                        super.onClose(status, trailers);
                    }
                }, headers);
            }
        };
    }

    /**
     * What one client learned from all its requests, which the next request's attempts use: the newest
     * revision etcd answered with, to it or another client of the run (a write whose outcome is unknown
     * is settled against it), whether etcd was just found unavailable (a request spent all its attempts
     * without an answer; the next answer ends that), and since when etcd has refused it for want of a leader.
     */
    static final class ClientMemory {
        /** One thread for every client's pauses between attempts; nothing blocks on it. */
        private static final ScheduledExecutorService PAUSES = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "etcd-retry-pause");
            t.setDaemon(true);
            return t;
        });
        /**
         * Refusals for want of a leader further apart than two elections' worth are two spells without one, not
         * one: a request long after an election is allowed its own.
         */
        private static final long SPELL_GAP_NANOS = 2 * Await.ELECTION.toNanos();

        private final Duration timeout;
        private final boolean severalMembers;
        private final GrantedLeases leases;
        private final LatestRevision revisionSeen;
        private volatile boolean unavailable;
        /** When the spell of refusals for want of a leader began, with no answer since; 0: none. */
        private final AtomicLong leaderlessSince = new AtomicLong();
        private volatile long lastNoLeaderNanos;
        private final AtomicLong raftTermSeen = new AtomicLong();

        ClientMemory(Duration timeout, boolean severalMembers, GrantedLeases leases, LatestRevision revisionSeen) {
            this.timeout = timeout;
            this.severalMembers = severalMembers;
            this.leases = leases;
            this.revisionSeen = revisionSeen;
        }

        Duration timeout() {
            return timeout;
        }

        boolean severalMembers() {
            return severalMembers;
        }

        long revisionSeen() {
            return revisionSeen.get();
        }

        boolean unavailable() {
            return unavailable;
        }

        void foundUnavailable() {
            unavailable = true;
        }

        /** An attempt or a stream of this client ended with {@code status}: a refusal for want of a leader is noted. */
        void ended(Status status) {
            if (!RetryPolicy.isNoLeader(status)) {
                return;
            }
            long now = System.nanoTime();
            long since = leaderlessSince.get();
            if (since == 0 || now - lastNoLeaderNanos > SPELL_GAP_NANOS) {
                leaderlessSince.compareAndSet(since, now | 1);   // | 1: never the "none" 0
            }
            lastNoLeaderNanos = now;
        }

        /** When etcd began to refuse this client for want of a leader, answering nothing since; 0: it does not. */
        long leaderlessSince() {
            return leaderlessSince.get();
        }

        /**
         * {@code request} was answered: etcd is available, its header revision is the newest seen if it
         * is newer, and a lease it granted or revoked is noted.
         */
        void answered(Object request, Object answer) {
            unavailable = false;
            leaderlessSince.set(0);
            ResponseHeader header = header(answer);
            if (header != null) {
                revisionSeen.saw(header.getRevision());
                raftTermSeen.accumulateAndGet(header.getRaftTerm(), Math::max);
            }
            if (leases != null && answer instanceof LeaseGrantResponse granted) {
                leases.granted(granted.getID());
            } else if (leases != null && request instanceof LeaseRevokeRequest revoke) {
                leases.revoked(revoke.getID());
            }
        }

        void later(long millis, Runnable action) {
            PAUSES.schedule(action, millis, TimeUnit.MILLISECONDS);
        }

        /** The highest raft term an answer to this client named: etcd's leader changed if a member names a higher one. */
        long raftTermSeen() {
            return raftTermSeen.get();
        }

        /** An etcd answer's header (every etcd answer has one), or null. */
        private static ResponseHeader header(Object answer) {
            if (answer instanceof MessageOrBuilder message) {
                Descriptors.FieldDescriptor field = message.getDescriptorForType().findFieldByName("header");
                if (field != null && message.hasField(field) && message.getField(field) instanceof ResponseHeader header) {
                    return header;
                }
            }
            return null;
        }
    }
}
