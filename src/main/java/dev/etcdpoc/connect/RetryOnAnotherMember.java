package dev.etcdpoc.connect;

import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.LeaseTimeToLiveRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.TxnRequest;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * One unary etcd call that, when its attempt gets no answer in time on one member ({@link #timedOut}),
 * is sent once more — to another member, since {@link SkipSilentMembers} now skips the silent one. jetcd itself
 * never retries a call that timed out, and retries writes on nothing at all (they are not
 * idempotent). Which calls go again, and why that cannot apply a write twice:
 * <ul>
 *   <li>reads (range, a lease's time-to-live): always;
 *   <li>deletes, and transactions that only delete (a clean-up guarded by a compare): as they are —
 *       deleting keys that are already gone changes nothing in etcd, no new revision and no watch event;
 *   <li>puts and unconditional transactions of puts: after {@link WriteCheck} read the keys and
 *       found the write not applied;
 *   <li>anything else (lease grants and revokes, locks, elections, conditional transactions that
 *       write): not at all.
 * </ul>
 * What this cannot rule out: a member frozen with the first attempt unread in its socket buffer,
 * thawed after the retry succeeded, may still hand that attempt to raft before it reads the
 * cancellation gRPC sent with it. A frozen leader cannot (a new leader's term overrules it).
 */
final class RetryOnAnotherMember<Q, R> extends ClientCall<Q, R> {
    private final Channel channel;
    private final MethodDescriptor<Q, R> method;
    private final CallOptions options;
    private final Duration timeout;
    private Listener<R> listener;
    private Metadata headers;
    private Q request;
    private volatile ClientCall<?, ?> current;
    private volatile boolean cancelled;

    RetryOnAnotherMember(Channel channel, MethodDescriptor<Q, R> method, CallOptions options, Duration timeout) {
        this.channel = channel;
        this.method = method;
        this.options = options;
        this.timeout = timeout;
    }

    @Override
    public void start(Listener<R> responseListener, Metadata requestHeaders) {
        listener = responseListener;
        headers = requestHeaders;
    }

    @Override
    public void request(int numMessages) {
        // A unary call has one answer, which attempt() asks for.
    }

    @Override
    public void sendMessage(Q message) {
        request = message;
    }

    @Override
    public void halfClose() {
        attempt(options, this::retry);
    }

    @Override
    public void cancel(String message, Throwable cause) {
        cancelled = true;
        ClientCall<?, ?> call = current;
        if (call != null) {
            call.cancel(message, cause);
        }
    }

    @Override
    public boolean isReady() {
        return true;
    }

    /**
     * One attempt with {@code with}; on no answer in time, {@code next} decides what follows (for the
     * first attempt: {@link #retry}), else the caller gets this attempt's outcome.
     */
    private void attempt(CallOptions with, Next next) {
        call(method, request, with, (status, answer) -> {
            if (!cancelled && timedOut(status)) {
                next.after(status);
            } else {
                finish(status, answer);
            }
        });
    }

    private interface Next {
        void after(Status timedOut);
    }

    /**
     * No answer in time: our deadline passed, or etcd itself gave up waiting for the proposal to
     * commit ("etcdserver: request timed out", e.g. "possibly due to previous leader failure") — in
     * both cases the write may or may not have been applied, which is what the retry rules handle.
     */
    private static boolean timedOut(Status status) {
        return status.getCode() == Status.Code.DEADLINE_EXCEEDED
            || String.valueOf(status.getDescription()).startsWith("etcdserver: request timed out");
    }

    /**
     * After a first attempt got no answer. Whichever member it went to is now a suspect, but it
     * may have been a healthy follower that waited for a frozen leader: so a read goes up to twice
     * more (the silent member becomes a suspect in turn), and a write is checked (on up to two
     * members) and sent again to the member that answered the check — alive, and with a leader.
     */
    private void retry(Status timedOut) {
        if (request instanceof RangeRequest || request instanceof LeaseTimeToLiveRequest
            || request instanceof DeleteRangeRequest d && !d.getPrevKv() || onlyDeletes(request)) {
            attempt(options, again -> attempt(options, last -> finish(last, null)));
            return;
        }
        Optional<WriteCheck> check = WriteCheck.of(request);
        if (check.isEmpty()) {
            finish(timedOut, null);
            return;
        }
        check(check.get(), timedOut, 2);
    }

    /**
     * Reads whether the write was applied, asking up to {@code tries} members (the first may be
     * the silent one); if it was not, sends it again to the member that answered the read.
     */
    private void check(WriteCheck check, Status timedOut, int tries) {
        AtomicReference<Object> answeredBy = new AtomicReference<>();
        call(KVGrpc.getTxnMethod(), check.read(), options.withOption(SkipSilentMembers.PICKED, answeredBy), (status, read) -> {
            if (cancelled || !status.isOk()) {
                if (!cancelled && timedOut(status) && tries > 1) {
                    check(check, timedOut, tries - 1);
                } else {
                    finish(timedOut, null);
                }
                return;
            }
            Optional<Object> applied = check.answerIfApplied(request, read);
            if (applied.isPresent()) {
                finish(Status.OK, cast(applied.get()));
            } else {
                attempt(options.withOption(SkipSilentMembers.PREFERRED, answeredBy.get()), last -> finish(last, null));
            }
        });
    }

    /**
     * A transaction that only deletes, in either branch (a clean-up that compares a key's create
     * revision first): sent again after it was applied, its keys are gone, so it deletes nothing
     * and makes no second revision.
     */
    private static boolean onlyDeletes(Object request) {
        return request instanceof TxnRequest txn
            && Stream.concat(txn.getSuccessList().stream(), txn.getFailureList().stream())
                .allMatch(op -> op.hasRequestDeleteRange() && !op.getRequestDeleteRange().getPrevKv());
    }

    @SuppressWarnings("unchecked")
    private R cast(Object answer) {
        return (R) answer;
    }

    private void finish(Status status, R answer) {
        Metadata none = new Metadata();
        if (answer != null) {
            listener.onHeaders(none);
            listener.onMessage(answer);
        }
        listener.onClose(status, none);
    }

    /** One attempt with its own deadline; {@code done} gets its status and, if OK, its answer. */
    private <A, B> void call(MethodDescriptor<A, B> what, A message, CallOptions with, Answer<B> done) {
        ClientCall<A, B> call = channel.newCall(what, with.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS));
        current = call;
        Metadata copy = new Metadata();
        copy.merge(headers);
        call.start(new Listener<B>() {
            private B answer;

            @Override
            public void onMessage(B message) {
                answer = message;
            }

            @Override
            public void onClose(Status status, Metadata trailers) {
                done.accept(status, status.isOk() ? answer : null);
            }
        }, copy);
        call.request(1);
        call.sendMessage(message);
        call.halfClose();
    }

    private interface Answer<B> {
        void accept(Status status, B answer);
    }
}
