package dev.etcdpoc.connect;

import dev.etcdpoc.core.Await;
import dev.etcdpoc.core.Failures;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.LeaseGrantResponse;
import io.etcd.jetcd.api.LeaseGrpc;
import io.etcd.jetcd.api.LeaseTimeToLiveRequest;
import io.etcd.jetcd.api.LeaseTimeToLiveResponse;
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.StatusRequest;
import io.etcd.jetcd.api.TxnResponse;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One unary etcd request, sent and, where {@link RetryPolicy} allows, sent again until it gets an
 * answer, for at most {@link RetryPolicy#ATTEMPT_DEADLINES_PER_REQUEST} request deadlines in all, half a
 * deadline more while etcd refuses it for want of a leader (a lock or a campaign, which etcd holds until
 * its turn comes, for its caller's whole wait).
 * Each attempt has its own gRPC deadline; an attempt that got no answer makes its member a suspect
 * that {@link SkipSilentMembers} then skips, so the next attempt goes to another member. A passing
 * refusal ("no leader" during an election) is sent again after a short pause. A write whose outcome
 * is unknown is settled first ({@link WriteCheck}, or a known answer to the second attempt).
 *
 * <p>What this cannot rule out: a member frozen with the first attempt unread in its socket buffer,
 * thawed after a later attempt succeeded, may still hand the first to raft before it reads the
 * cancellation gRPC sent with it — a {@link WriteCheck} read-back cannot tell "not applied" from "not
 * applied yet". A frozen leader can too (thawed, it may follow the new leader before it handles the old
 * attempt, and forward it): the check section saw a put acknowledged at one revision applied again at a
 * later one (docs/check.md). A lease grant cannot (it asks for the same lease ID, which etcd grants once),
 * nor a delete of one key (sent again only guarded by its mod revision: {@link GuardedDelete}).
 */
final class RetryingCall<Q, R> extends ClientCall<Q, R> {
    /** Pauses after a fast refusal: an election on loopback takes about a second. */
    private static final long FIRST_PAUSE_MS = 50;
    private static final long MAX_PAUSE_MS = 800;
    /**
     * etcd's "require leader" header (as the Go client's WithRequireLeader): a member without a leader
     * refuses the request at once ("no leader") instead of holding it until its deadline — its raft
     * takes no proposal then, and a linearizable read cannot be served either.
     */
    private static final Metadata.Key<String> REQUIRE_LEADER = Metadata.Key.of("hasleader", Metadata.ASCII_STRING_MARSHALLER);
    /** When an unanswered attempt's member is first asked for its status, and then how often. */
    private static final long LOOK_AFTER_MS = 1000;
    /** How often a client's first attempt looks whether it has been sent, to ask its member for the term it was sent in. */
    private static final long FIRST_CONNECTION_MS = 50;
    /** The one try a request gets while etcd was just found unavailable: enough for a healthy etcd to answer. */
    private static final long UNAVAILABLE_TRY_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Channel channel;
    private final MethodDescriptor<Q, R> method;
    private final CallOptions options;
    private final RetryInterceptor.ClientMemory memory;
    private Listener<R> listener;
    private Metadata headers;
    private Q request;
    private RetryPolicy.Rule rule;
    /** When the request's time is up: its whole budget, or sooner while it meets quick failures only. */
    private long endNanos;
    private long budgetEndNanos;
    private long seenBefore;
    private boolean outcomeUnknown;
    private long pauseMs = FIRST_PAUSE_MS;
    private int attempts;
    private boolean oneTry;
    private long firstRefusalNanos;
    private volatile ClientCall<?, ?> current;
    /** The member the latest attempt went to, as the load balancer picked it (null before the pick). */
    private AtomicReference<SkipSilentMembers.Pick> lastPicked = new AtomicReference<>();
    private SkipSilentMembers.Pick lastMember;
    private volatile boolean cancelled;
    /** With one member: a status probe found it silent while an attempt waited, so there is nothing to send again to. */
    private volatile boolean aloneAndSilent;
    /** The latest attempt was never sent: no connection to a member became ready before its deadline. */
    private volatile boolean unsent;

    RetryingCall(Channel channel, MethodDescriptor<Q, R> method, CallOptions options, RetryInterceptor.ClientMemory memory) {
        this.channel = channel;
        this.method = method;
        this.options = options;
        this.memory = memory;
    }

    @Override
    public void start(Listener<R> responseListener, Metadata requestHeaders) {
        listener = responseListener;
        headers = requestHeaders;
    }

    @Override
    public void request(int numMessages) {
        // A unary call has one answer, which each attempt asks for.
    }

    @Override
    public void sendMessage(Q message) {
        request = message;
    }

    @Override
    public void halfClose() {
        rule = RetryPolicy.ruleFor(method, request);
        if (rule == RetryPolicy.Rule.SAME_LEASE_ID) {
            request = withOwnLeaseId(request);
        }
        // After etcd was found unavailable, a request gets one short try: the clean-ups of a run that is
        // failing then end quickly, and the first answer ends that state.
        oneTry = memory.unavailable();
        long time = oneTry ? Math.min(memory.timeout().toNanos(), UNAVAILABLE_TRY_NANOS)
            // A lock or a campaign waits its turn on purpose: it gets the whole of its caller's wait.
            : RetryPolicy.waitsByDesign(method) ? Await.requestWait(memory.timeout()).toNanos()
            : memory.timeout().toNanos() * RetryPolicy.ATTEMPT_DEADLINES_PER_REQUEST;
        budgetEndNanos = System.nanoTime() + time;
        endNanos = budgetEndNanos;
        seenBefore = memory.revisionSeen();
        attempt(options);
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

    /** One attempt, not to the member the previous one got nothing from (while another is ready). */
    private void attempt(CallOptions with) {
        call(method, request, elsewhere(with), this::answered);
    }

    /** {@code with}, avoiding the member of the previous attempt, and noting the member this one goes to. */
    private CallOptions elsewhere(CallOptions with) {
        AtomicReference<SkipSilentMembers.Pick> picked = new AtomicReference<>();
        CallOptions options = (lastMember == null ? with : with.withOption(SkipSilentMembers.AVOIDED, lastMember))
            .withOption(SkipSilentMembers.PICKED, picked);
        lastPicked = picked;
        return options;
    }

    private void answered(Status status, Object answer) {
        lastMember = lastPicked.get();
        if (status.isOk()) {
            finish(status, answer);
            return;
        }
        if (cancelled) {
            finish(status, null);
            return;
        }
        if (rule == RetryPolicy.Rule.SAME_LEASE_ID && RetryPolicy.leaseExists(status)) {
            if (outcomeUnknown) {
                grantedByEarlierAttempt(status);
            } else {
                // Another client's lease has the ID picked at random: pick another.
                request = withOwnLeaseId(clearedLeaseId(request));
                attempt(options);
            }
            return;
        }
        if (RetryPolicy.waitsByDesign(method) && RetryPolicy.isCompacted(status) && timeLeftForAnother()) {
            // etcd waits for the older contenders' keys to go with a watch from the revision it read them at,
            // which another client's compaction can refuse. The contender's key is on the caller's lease, so
            // asked again etcd finds it, in the same place in the queue, and waits again.
            attempt(options);
            return;
        }
        if (outcomeUnknown && RetryPolicy.doneByEarlierAttempt(method, status)) {
            finish(Status.OK, method.parseResponse(new ByteArrayInputStream(new byte[0])));
            return;
        }
        RetryPolicy.Outcome outcome = RetryPolicy.outcome(status, rule, memory.severalMembers());
        if (outcome == RetryPolicy.Outcome.FINAL || rule == RetryPolicy.Rule.NEVER || oneTry) {
            finish(status, null);
            return;
        }
        boolean noAnswer = RetryPolicy.isNoAnswer(status);
        if (noAnswer && !memory.severalMembers() && (aloneAndSilent || unsent)) {
            // The only member did not even answer a status request, or never got a connection ready (it accepts
            // TCP and says nothing): another attempt there would wait out its deadline too.
            memory.foundUnavailable();
            finish(status, null);
            return;
        }
        if (!noAnswer) {
            // Failed at once (no leader, a connection refused or dropped): such failures for longer than an
            // election takes are members that stay without a leader (no quorum, or cut off) or out of reach,
            // and the request ends there. Not sooner with a short deadline: etcd 3.4 took over 2 s to elect a
            // leader after one was killed, and a run with --timeout 2s gave up on its txn's read-back.
            // Even a little past the request's two deadlines: an attempt that met a lost leader held one of
            // them, and the election the refusals wait for began during it. With --timeout 2s, a txn sent
            // just after its leader was cut off got no answer for 2 s, was refused until 3.55 s, and gave up;
            // etcd 3.4.23 had a new leader 2 ms later.
            memory.ended(status);
            endNanos = Math.min(electionEndLimitNanos(), electionAllowedSince() + Await.ELECTION.toNanos());
        } else {
            // A member held it to its deadline (or etcd gave up on the commit): the quick failures before are over.
            firstRefusalNanos = 0;
            endNanos = budgetEndNanos;
        }
        if (!timeLeftForAnother()) {
            memory.foundUnavailable();
            finish(status, null);
            return;
        }
        outcomeUnknown |= outcome == RetryPolicy.Outcome.UNKNOWN;
        if (noAnswer && RetryPolicy.waitsByDesign(method)) {
            askHolder(outcome, status);
            return;
        }
        if (noAnswer) {
            // The member that let it run out is a suspect now: the next attempt goes elsewhere, at once.
            next(outcome, status);
            return;
        }
        // The last attempt goes while a useful share of the time is left, not skipped because the pause
        // would pass it: the election it waits for may end during that pause.
        long pause = Math.min(pauseMs, TimeUnit.NANOSECONDS.toMillis(endNanos - System.nanoTime() - shareForAnAttempt()));
        pauseMs = Math.min(MAX_PAUSE_MS, pauseMs * 2);
        memory.later(pause, () -> {
            if (cancelled) {
                finish(Status.CANCELLED, null);
            } else {
                next(outcome, status);
            }
        });
    }

    /** The next attempt; a write whose outcome is unknown is settled first. */
    private void next(RetryPolicy.Outcome outcome, Status failed) {
        if (outcome == RetryPolicy.Outcome.UNKNOWN && rule == RetryPolicy.Rule.READ_BACK) {
            settle(WriteCheck.of(request).orElseThrow(), failed);
        } else if (outcome == RetryPolicy.Outcome.UNKNOWN && rule == RetryPolicy.Rule.GUARDED_DELETE) {
            deleteIfUnchanged(GuardedDelete.of(request), failed);
        } else {
            attempt(options);
        }
    }

    /**
     * A lock or a campaign got no answer in time: its member may hold it on purpose (the lock is taken, as it
     * would be anywhere) or be frozen. Its status, answered from its own state, tells: a member that answers
     * gets the request again; one that does not is a suspect (as any member whose request ran past its
     * deadline) and the request goes elsewhere.
     */
    private void askHolder(RetryPolicy.Outcome outcome, Status unanswered) {
        SkipSilentMembers.Pick holder = lastMember;
        send(MaintenanceGrpc.getStatusMethod(), StatusRequest.getDefaultInstance(), options.withOption(SkipSilentMembers.PREFERRED, holder),
            SkipSilentMembers.STATUS_PROBE.toNanos(), (status, answer) -> {
                if (cancelled) {
                    finish(Status.CANCELLED, null);
                } else if (status.isOk()) {
                    attempt(options.withOption(SkipSilentMembers.PREFERRED, holder));
                } else {
                    next(outcome, unanswered);
                }
            });
    }

    /**
     * Reads whether the write was applied: if so its answer is made from the read; if it was not,
     * it goes again to the member that answered the read (alive, with a leader); if a member cannot
     * say in time, another is asked while time is left.
     */
    private void settle(WriteCheck check, Status unanswered) {
        CallOptions readOptions = elsewhere(options);
        AtomicReference<SkipSilentMembers.Pick> answeredBy = lastPicked;
        call(KVGrpc.getTxnMethod(), check.read(), readOptions, (status, read) -> {
            if (cancelled) {
                finish(Status.CANCELLED, null);
            } else if (!status.isOk()) {
                lastMember = answeredBy.get();
                if (RetryPolicy.outcome(status, RetryPolicy.Rule.READ, memory.severalMembers()) != RetryPolicy.Outcome.FINAL
                    && timeLeftForAnother()) {
                    memory.later(pauseMs, () -> settle(check, unanswered));
                } else {
                    finish(unanswered, null);
                }
            } else {
                TxnResponse txn = (TxnResponse) read;
                switch (check.verdict(txn, seenBefore)) {
                    case APPLIED -> finish(Status.OK, check.answer(request, txn));
                    case NOT_APPLIED -> attempt(options.withOption(SkipSilentMembers.PREFERRED, answeredBy.get()));
                    case CANNOT_TELL -> finish(unanswered.augmentDescription("whether it was applied cannot be told: "
                        + "another client wrote its keys meanwhile, so it was not sent again"), null);
                }
            }
        });
    }

    /**
     * Sends the delete again as a txn that deletes the key only if nobody wrote it since the first attempt
     * was sent; if somebody did, it fails as unanswered, saying why it was not sent again.
     */
    private void deleteIfUnchanged(GuardedDelete guarded, Status unanswered) {
        AtomicReference<SkipSilentMembers.Pick> answeredBy = lastPicked;
        call(KVGrpc.getTxnMethod(), guarded.txn(seenBefore), elsewhere(options), (status, answer) -> {
            lastMember = answeredBy.get();
            if (cancelled) {
                finish(Status.CANCELLED, null);
            } else if (status.isOk()) {
                TxnResponse txn = (TxnResponse) answer;
                if (txn.getSucceeded()) {
                    finish(Status.OK, GuardedDelete.answer(txn));
                } else {
                    finish(unanswered.augmentDescription("whether it was applied cannot be told: "
                        + "another client wrote the key meanwhile, so it was not deleted again"), null);
                }
            } else if (RetryPolicy.outcome(status, rule, memory.severalMembers()) != RetryPolicy.Outcome.FINAL && timeLeftForAnother()) {
                memory.later(pauseMs, () -> deleteIfUnchanged(guarded, unanswered));
            } else {
                finish(unanswered, null);
            }
        });
    }

    /**
     * The earlier attempt got no answer, and this one found the lease it asks for granted: by that
     * attempt. The TTL etcd gave it (etcd may raise a short one) comes from a TTL read.
     */
    private void grantedByEarlierAttempt(Status exists) {
        long id = ((LeaseGrantRequest) request).getID();
        call(LeaseGrpc.getLeaseTimeToLiveMethod(), LeaseTimeToLiveRequest.newBuilder().setID(id).build(), options, (status, ttl) -> {
            if (!status.isOk()) {
                finish(exists, null);
                return;
            }
            LeaseTimeToLiveResponse response = (LeaseTimeToLiveResponse) ttl;
            finish(Status.OK, LeaseGrantResponse.newBuilder().setHeader(response.getHeader()).setID(id)
                .setTTL(response.getGrantedTTL()).build());
        });
    }

    /**
     * Since when this request has allowed for an election: since etcd first refused it (as not applied).
     * From its second attempt on, since etcd first refused the client for want of a leader, if that was
     * earlier and nothing was answered since: an election would have ended that by now. So a request that
     * comes late to an etcd without a quorum (the clean-up of a run whose watch etcd ended for "no leader")
     * does not wait out another election.
     */
    private long electionAllowedSince() {
        if (firstRefusalNanos == 0) {
            firstRefusalNanos = System.nanoTime();
        }
        long leaderless = memory.leaderlessSince();
        return attempts >= 2 && leaderless != 0 && leaderless - firstRefusalNanos < 0 ? leaderless : firstRefusalNanos;
    }

    /** True while another attempt can still get a useful share of the request's time. */
    private boolean timeLeftForAnother() {
        return endNanos - System.nanoTime() > shareForAnAttempt();
    }

    /** A useful share of a request's time for one attempt: a quarter of a deadline. */
    private long shareForAnAttempt() {
        return memory.timeout().toNanos() / 4;
    }

    /**
     * How long refusals may keep a request going while etcd elects a leader: its budget and half a deadline
     * more, so that it still ends well within its caller's wait ({@link Await#requestWait}, three deadlines). A
     * lock or a campaign already has that whole wait as its budget.
     */
    private long electionEndLimitNanos() {
        return RetryPolicy.waitsByDesign(method) ? budgetEndNanos : budgetEndNanos + memory.timeout().toNanos() / 2;
    }

    /**
     * A lease grant with its ID chosen here, not by etcd: an attempt sent again asks for the same lease,
     * so it cannot grant a second one when the first attempt's answer was lost.
     */
    private static <Q> Q withOwnLeaseId(Q request) {
        if (request instanceof LeaseGrantRequest grant && grant.getID() == 0) {
            return cast(grant.toBuilder().setID(ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE)).build());
        }
        return request;
    }

    private static <Q> Q clearedLeaseId(Q request) {
        return cast(((LeaseGrantRequest) request).toBuilder().setID(0).build());
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(Object value) {
        return (T) value;
    }

    private void finish(Status status, Object answer) {
        Metadata none = new Metadata();
        if (answer != null) {
            memory.answered(request, answer);
            listener.onHeaders(none);
            listener.onMessage(cast(answer));
        }
        listener.onClose(status, none);
    }

    /**
     * One attempt with its own deadline; {@code done} gets its status and, if OK, its answer. The first
     * has the whole request deadline; the later ones half of it (at most the request's time left), so
     * that within two deadlines a request can try every member of three: a healthy member with a
     * leader answers in milliseconds, but right after a failure two of three may not (the failed one,
     * and a follower whose forwarded write the failed leader took down with it). Not so a lock or a
     * campaign, which a healthy member holds until it is theirs: a later attempt cut short would only
     * give up its place in the queue, so it gets all the time left.
     */
    private <A, B> void call(MethodDescriptor<A, B> what, A message, CallOptions with, Answer done) {
        long deadline = attempts++ == 0 ? memory.timeout().toNanos()
            : RetryPolicy.waitsByDesign(what) ? Long.MAX_VALUE : memory.timeout().toNanos() / 2;
        Attempt attempt = new Attempt(with.getOption(SkipSilentMembers.PICKED), RetryPolicy.needsLeader(what, message),
            memory.raftTermSeen());
        send(what, message, with, deadline, (status, answer) -> {
            attempt.closed = true;
            // Never sent: no connection to the member became ready within the attempt's deadline.
            unsent = with.getOption(SkipSilentMembers.PICKED) != null && attempt.picked.get() == null;
            done.accept(attempt.givenUp != null ? Status.DEADLINE_EXCEEDED.withDescription(attempt.givenUp) : status, answer);
        });
        attempt.call = current;
        if (with.getOption(SkipSilentMembers.PICKED) == null) {
            return;   // a follow-up of an attempt's (a lease's TTL read), sent wherever round robin puts it
        }
        SkipSilentMembers.Pick picked = attempt.picked.get();
        // A member already silent when picked (every member was) is asked at once, and so is the member of a client's
        // first request (which term the attempt is sent in); any other once the attempt is slow.
        lookAfter(attempt, picked != null && picked.silentWhenPicked() || attempt.firstTerm == 0 ? 0
            : Math.min(LOOK_AFTER_MS, TimeUnit.NANOSECONDS.toMillis(Math.min(deadline, endNanos - System.nanoTime())) / 2));
    }

    /**
     * An attempt still unanswered after {@code delayMs}: its member is asked for its status (from its own state, no
     * leader needed). One that does not answer that either is silent (frozen, or not etcd); one without a leader
     * cannot serve what needs one (cut off from its peers, or no quorum); one whose raft term rose since the
     * attempt was sent (the client's latest answer's term) has a new leader, and may have forwarded the attempt
     * to the old one, where it is lost
     * (etcd itself says "request timed out" only seconds later). A silent member or one without a leader is given up
     * on at once where another member can be asked, as if the attempt's deadline had passed, and a new term
     * anywhere; the next attempt follows the request's rule (a write is read back first). A member that serves in
     * the same term is asked again a second later. With one member, a silent one ends the request at its deadline
     * instead of getting another attempt (at once, if it was silent before the attempt was sent).
     */
    private void lookAfter(Attempt attempt, long delayMs) {
        memory.later(delayMs, () -> {
            if (attempt.closed || cancelled) {
                return;
            }
            SkipSilentMembers.Pick pick = attempt.picked.get();
            if (pick == null) {
                // Not sent yet: no connection to a member so far (a client's first request, or none answers).
                lookAfter(attempt, attempt.firstTerm == 0 ? FIRST_CONNECTION_MS : LOOK_AFTER_MS);
                return;
            }
            pick.probe(found -> {
                if (attempt.closed || cancelled) {
                    return;
                }
                boolean several = memory.severalMembers();
                if (found.state() == SkipSilentMembers.Probed.SILENT) {
                    aloneAndSilent = !several;
                    if (several || pick.silentWhenPicked()) {
                        attempt.giveUp("its member stopped answering (not even a status request within "
                            + SkipSilentMembers.STATUS_PROBE.toSeconds() + "s)");
                    }
                } else if (found.state() == SkipSilentMembers.Probed.NO_LEADER && attempt.needsLeader && several) {
                    attempt.giveUp("its member has no leader (cut off from its peers, or no quorum)");
                } else if (found.state() == SkipSilentMembers.Probed.SERVING && attempt.needsLeader && attempt.termRose(found.raftTerm())) {
                    attempt.giveUp("etcd elected a new leader while it waited (raft term " + attempt.firstTerm + " to "
                        + found.raftTerm() + "), and the old one may have taken it down with it");
                } else {
                    lookAfter(attempt, LOOK_AFTER_MS);
                }
            });
        });
    }

    /** One attempt in flight: whether it was answered, and why it was given up on, if it was. */
    private static final class Attempt {
        private final AtomicReference<SkipSilentMembers.Pick> picked;
        private final boolean needsLeader;
        private volatile ClientCall<?, ?> call;
        private volatile boolean closed;
        private volatile String givenUp;
        /** The raft term it was sent in, as far as the client knows; 0 until a status answer names one. */
        private volatile long firstTerm;

        /** @param term the raft term of the client's latest answer, 0 before any: the first probe's then */
        Attempt(AtomicReference<SkipSilentMembers.Pick> picked, boolean needsLeader, long term) {
            this.picked = picked != null ? picked : new AtomicReference<>();   // none: the attempt is not looked after
            this.needsLeader = needsLeader;
            this.firstTerm = term;
        }

        /** True when {@code term} is above the one it was sent in (which the first status answer gives, if the client knew none). */
        boolean termRose(long term) {
            if (firstTerm == 0) {
                firstTerm = term;
                return false;
            }
            return term > firstTerm;
        }

        void giveUp(String why) {
            givenUp = Failures.GIVEN_UP + why;
            ClientCall<?, ?> inFlight = call;
            if (inFlight != null) {
                inFlight.cancel(why, null);
            }
        }
    }

    /** Sends {@code message} with a deadline of {@code deadlineNanos}, at most the request's time left. */
    private <A, B> void send(MethodDescriptor<A, B> what, A message, CallOptions with, long deadlineNanos, Answer done) {
        long left = Math.max(1, Math.min(deadlineNanos, endNanos - System.nanoTime()));
        ClientCall<A, B> call = channel.newCall(what, with.withDeadlineAfter(left, TimeUnit.NANOSECONDS));
        current = call;
        Metadata copy = new Metadata();
        copy.merge(headers);
        if (RetryPolicy.needsLeader(what, message)) {
            copy.put(REQUIRE_LEADER, "true");
        }
        OneAnswer.send(call, copy, message, done::accept);
    }

    private interface Answer {
        void accept(Status status, Object answer);
    }
}
