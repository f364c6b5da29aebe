package dev.etcdpoc.connect;

import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.StatusRequest;
import io.etcd.jetcd.api.StatusResponse;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ClientStreamTracer;
import io.grpc.ConnectivityState;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.LoadBalancer;
import io.grpc.LoadBalancerProvider;
import io.grpc.LoadBalancerRegistry;
import io.grpc.Metadata;
import io.grpc.NameResolver;
import io.grpc.Status;
import io.grpc.util.ForwardingClientStreamTracer;
import io.grpc.util.ForwardingLoadBalancerHelper;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * jetcd's round robin over the members, minus the members that just let a request run past its
 * deadline or refused it for want of a leader: a frozen member (SIGSTOP, a long GC pause, a stuck disk) keeps its TCP connection open,
 * so gRPC still counts it READY and round robin would hand it every third request. Client HTTP/2
 * pings cannot tell in time either: etcd answers pings more often than every 5 s with GOAWAY
 * ({@code --grpc-keepalive-min-time}). A request deadline can, so the first request that times out
 * on a member makes it a suspect for {@link #SUSPECT_NANOS} (not a lock or a campaign: etcd holds those
 * on purpose, and a member that holds one past its deadline may be doing just that), as does a refusal that says the member
 * has no leader (cut off from its peers, or in an election), and picks skip suspects while another
 * member is left. A healthy member that timed out (it waited for a frozen leader) is skipped too,
 * which costs nothing while a quorum of others answers; when every member is a suspect, round robin
 * picks as usual. A watch stream has no deadline, so a member that leaves a watch's request unanswered
 * for {@link #UNANSWERED_NANOS} counts as silent while it does, and is marked when the watch's owner gives
 * up on it. An answer from a member clears it, and so does an answer to a status probe: a
 * healthy follower that waited for a frozen leader must not stay a suspect for {@link #SUSPECT_NANOS}
 * while the frozen leader is one too, or round robin would hand the leader every third stream again.
 */
final class SkipSilentMembers extends LoadBalancerProvider {
    static final String NAME = "poc_round_robin_skip_silent";
    /** On a call's options: the picker stores the member it chose there (the member a check was answered by). */
    static final CallOptions.Key<AtomicReference<Pick>> PICKED = CallOptions.Key.create("poc-picked-member");
    /** On a call's options: send it to this member (one that just answered), unless that one became a suspect. */
    static final CallOptions.Key<Pick> PREFERRED = CallOptions.Key.create("poc-preferred-member");
    /**
     * On a call's options: not to this member (the one an earlier attempt got nothing from) while another
     * is ready. A suspect is skipped anyway; this also covers the moment before gRPC reports the stream closed.
     */
    static final CallOptions.Key<Pick> AVOIDED = CallOptions.Key.create("poc-avoided-member");
    private static final long SUSPECT_NANOS = TimeUnit.SECONDS.toNanos(30);
    /**
     * How long a probe of a member waits: its own status (and a quorum read, with a leader) comes back in
     * milliseconds, even on a busy machine well under this; a frozen member costs whoever asks this much.
     */
    static final Duration STATUS_PROBE = Duration.ofSeconds(1);
    private static final long PROBE_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    /**
     * A watch's create or progress request unanswered this long: its member is treated as silent. A live member
     * answers those from its own state in milliseconds (a keep-alive, by contrast, waits for the leader); a
     * watch's owner gives up on a silent one only after half a request deadline or more.
     */
    private static final long UNANSWERED_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final String WATCH = "etcdserverpb.Watch/Watch";
    private static final LoadBalancerProvider ROUND_ROBIN = LoadBalancerRegistry.getDefaultRegistry().getProvider("round_robin");

    /** Makes {@link #NAME} known to gRPC, once per JVM. */
    static synchronized void register() {
        if (LoadBalancerRegistry.getDefaultRegistry().getProvider(NAME) == null) {
            LoadBalancerRegistry.getDefaultRegistry().register(new SkipSilentMembers());
        }
    }

    @Override
    public boolean isAvailable() {
        return true;
    }

    @Override
    public int getPriority() {
        return 5;
    }

    @Override
    public String getPolicyName() {
        return NAME;
    }

    @Override
    public NameResolver.ConfigOrError parseLoadBalancingPolicyConfig(Map<String, ?> rawConfig) {
        return ROUND_ROBIN.parseLoadBalancingPolicyConfig(rawConfig);
    }

    @Override
    public LoadBalancer newLoadBalancer(LoadBalancer.Helper helper) {
        Suspects suspects = new Suspects();
        return ROUND_ROBIN.newLoadBalancer(new ForwardingLoadBalancerHelper() {
            @Override
            protected LoadBalancer.Helper delegate() {
                return helper;
            }

            @Override
            public void updateBalancingState(ConnectivityState state, LoadBalancer.SubchannelPicker picker) {
                helper.updateBalancingState(state, new Picker(picker, suspects));
            }

            @Override
            public LoadBalancer.Subchannel createSubchannel(LoadBalancer.CreateSubchannelArgs args) {
                return suspects.member(super.createSubchannel(args));
            }
        });
    }

    /**
     * Members whose last request ran past its deadline (silent), or that refused it for want of a
     * leader (refusing), with when that stops counting. Keyed by round robin's subchannel, one per
     * member (its addresses may only be read on gRPC's own thread).
     */
    private static final class Suspects {
        private final Map<LoadBalancer.Subchannel, Long> silentUntil = new ConcurrentHashMap<>();
        private final Map<LoadBalancer.Subchannel, Long> refusingUntil = new ConcurrentHashMap<>();
        private final Set<LoadBalancer.Subchannel> members = ConcurrentHashMap.newKeySet();
        /** Each member's open watch streams, each with when it began to wait for an answer. */
        private final Map<LoadBalancer.Subchannel, Set<Awaiting>> streams = new ConcurrentHashMap<>();
        private final AtomicLong lastProbe = new AtomicLong(System.nanoTime() - PROBE_INTERVAL_NANOS);

        /** Round robin made a subchannel for a member: one to ask when another member falls silent. */
        LoadBalancer.Subchannel member(LoadBalancer.Subchannel subchannel) {
            members.add(subchannel);
            return subchannel;
        }

        void silent(LoadBalancer.Subchannel member) {
            silentUntil.put(member, System.nanoTime() + SUSPECT_NANOS);
        }

        void refusing(LoadBalancer.Subchannel member) {
            refusingUntil.put(member, System.nanoTime() + SUSPECT_NANOS);
        }

        /**
         * A member just let a request run past its deadline ({@code silent}), or every member is silent
         * ({@code null}). The silent one may be frozen, or a healthy follower that waited for a frozen
         * leader: ask every other member for its status (answered from the member's own state, no leader
         * needed) with a short deadline; the ones that do not answer are suspects too, so that the next
         * requests do not each spend a deadline finding them, and the ones that answer are not frozen and
         * are no longer silent. At most once a second.
         */
        void probeOthers(LoadBalancer.Subchannel silent) {
            long now = System.nanoTime();
            long last = lastProbe.get();
            if (now - last < PROBE_INTERVAL_NANOS || !lastProbe.compareAndSet(last, now)) {
                return;
            }
            for (LoadBalancer.Subchannel member : members) {
                if (member == silent) {
                    continue;
                }
                new Pick(member, this, false).probe(found -> { });
            }
        }

        boolean contains(LoadBalancer.Subchannel member) {
            return isSilent(member) || isRefusing(member);
        }

        boolean isRefusing(LoadBalancer.Subchannel member) {
            return holds(refusingUntil, member);
        }

        boolean isSilent(LoadBalancer.Subchannel member) {
            return holds(silentUntil, member) || watchUnanswered(member);
        }

        /** True while a watch stream on {@code member} waits too long for an answer (on every pick: no stream, no allocation). */
        private boolean watchUnanswered(LoadBalancer.Subchannel member) {
            Set<Awaiting> open = streams.get(member);
            if (open == null || open.isEmpty()) {
                return false;
            }
            for (Awaiting stream : open) {
                if (stream.tooLong()) {
                    return true;
                }
            }
            return false;
        }

        private static boolean holds(Map<LoadBalancer.Subchannel, Long> until, LoadBalancer.Subchannel member) {
            Long end = until.get(member);
            return end != null && end - System.nanoTime() > 0;
        }

        /**
         * Counts how {@code member}'s streams end, passing everything on to the tracer round robin gave, if
         * any; {@code heldOnPurpose}: the call is one etcd holds until something else happens (a lock
         * queued behind another), whose deadline passing is no sign of silence; {@code watch}: the call is a
         * watch stream, whose unanswered requests are a sign of it.
         */
        ClientStreamTracer.Factory watching(LoadBalancer.Subchannel member, ClientStreamTracer.Factory given, boolean heldOnPurpose,
                                            boolean watch) {
            return new ClientStreamTracer.Factory() {
                @Override
                public ClientStreamTracer newClientStreamTracer(ClientStreamTracer.StreamInfo info, Metadata headers) {
                    ClientStreamTracer inner = given != null ? given.newClientStreamTracer(info, headers) : new ClientStreamTracer() { };
                    // A deadline comes with the call, or from the gRPC Context it was started in (as
                    // sections.support.KeptAliveLease bounds its keep-alive streams); gRPC attaches
                    // that Context while it makes the call's streams.
                    Deadline deadline = info.getCallOptions().getDeadline() != null
                        ? info.getCallOptions().getDeadline() : Context.current().getDeadline();
                    // A watch stream has no deadline to find a frozen member by, but a request of ours it does not
                    // answer tells the same: while it waits too long, and when its owner gives up on it waiting.
                    // Only a watch is tracked: every other call would pay for it, and a request has its deadline.
                    Awaiting awaiting = watch ? new Awaiting() : null;
                    if (awaiting != null) {
                        streams.computeIfAbsent(member, m -> ConcurrentHashMap.newKeySet()).add(awaiting);
                    }
                    return new ForwardingClientStreamTracer() {
                        @Override
                        protected ClientStreamTracer delegate() {
                            return inner;
                        }

                        @Override
                        public void outboundMessage(int seqNo) {
                            if (awaiting != null) {
                                awaiting.sent();
                            }
                            super.outboundMessage(seqNo);
                        }

                        @Override
                        public void inboundMessage(int seqNo) {
                            if (awaiting != null) {
                                awaiting.answered();
                            }
                            super.inboundMessage(seqNo);
                        }

                        @Override
                        public void streamClosed(Status status) {
                            if (awaiting != null) {
                                streams.get(member).remove(awaiting);
                            }
                            // A stream whose deadline passed ends as CANCELLED here (the call sees DEADLINE_EXCEEDED).
                            // A member that says it has no leader, or gave up waiting for one, cannot serve either.
                            boolean silent = !heldOnPurpose && (status.getCode() == Status.Code.DEADLINE_EXCEEDED
                                || status.getCode() == Status.Code.CANCELLED && (deadline != null && deadline.isExpired() || awaiting != null && awaiting.tooLong()));
                            if (silent) {
                                silent(member);
                                probeOthers(member);
                            } else if (RetryPolicy.cannotServe(status)) {
                                refusing(member);
                            } else if (status.isOk()) {
                                silentUntil.remove(member);
                                refusingUntil.remove(member);
                            }
                            super.streamClosed(status);
                        }
                    };
                }
            };
        }
    }

    /** What a status probe of one member found: its state, and the raft term it is in (0 without an answer). */
    record Found(Probed state, long raftTerm) {
    }

    /** A member's state, as a status probe found it. */
    enum Probed {
        /** It answered, with a leader. */
        SERVING,
        /** It answered, and has no leader: it cannot serve what needs one (cut off from its peers, or no quorum). */
        NO_LEADER,
        /** No answer within {@link #STATUS_PROBE}: frozen, or something that is not etcd. */
        SILENT,
        /** Anything else: a broken connection, a refusal; nothing to conclude. */
        OTHER
    }

    /**
     * The member one call was sent to, as the picker chose it: whether it was already silent then (every
     * member was, or the call asked for it), and a way to ask it for its status — the member itself, not
     * whichever one round robin would pick — telling the suspects what it found.
     */
    static final class Pick {
        private final LoadBalancer.Subchannel member;
        private final Suspects suspects;
        private final boolean silentWhenPicked;

        private Pick(LoadBalancer.Subchannel member, Suspects suspects, boolean silentWhenPicked) {
            this.member = member;
            this.suspects = suspects;
            this.silentWhenPicked = silentWhenPicked;
        }

        /** True when the member had let a request or a watch go unanswered before this call was sent to it. */
        boolean silentWhenPicked() {
            return silentWhenPicked;
        }

        /**
         * Asks the member for its status (answered from its own state, no leader needed), within {@link #STATUS_PROBE}:
         * on the subchannel's own channel, an RPC of the load balancer's on the member's connection. What it finds
         * marks the member: silent, refusing (no leader), or neither.
         */
        void probe(Consumer<Found> found) {
            ClientCall<StatusRequest, StatusResponse> call;
            try {
                call = member.asChannel().newCall(MaintenanceGrpc.getStatusMethod(),
                    CallOptions.DEFAULT.withDeadlineAfter(STATUS_PROBE.toMillis(), TimeUnit.MILLISECONDS));
            } catch (RuntimeException shutDown) {
                found.accept(new Found(Probed.OTHER, 0));
                return;
            }
            OneAnswer.send(call, new Metadata(), StatusRequest.getDefaultInstance(), (closed, status) -> {
                if (status != null) {
                    suspects.silentUntil.remove(member);
                    if (status.getLeader() == 0) {
                        suspects.refusing(member);
                    } else {
                        suspects.refusingUntil.remove(member);
                    }
                    found.accept(new Found(status.getLeader() == 0 ? Probed.NO_LEADER : Probed.SERVING, status.getRaftTerm()));
                } else if (closed.getCode() == Status.Code.DEADLINE_EXCEEDED) {
                    suspects.silent(member);
                    found.accept(new Found(Probed.SILENT, 0));
                } else {
                    found.accept(new Found(Probed.OTHER, 0));
                }
            });
        }
    }

    /** One open watch stream: since when it has waited for an answer to a request of ours (0: it is not waiting). */
    private static final class Awaiting {
        private volatile long since;

        void sent() {
            if (since == 0) {
                since = System.nanoTime();
            }
        }

        void answered() {
            since = 0;
        }

        boolean tooLong() {
            long from = since;
            return from != 0 && System.nanoTime() - from > UNANSWERED_NANOS;
        }
    }

    private static final class Picker extends LoadBalancer.SubchannelPicker {
        /** Round robin hands out each ready member once in this many picks, for clusters up to 7 members. */
        private static final int TRIES = 7;
        private final LoadBalancer.SubchannelPicker roundRobin;
        private final Suspects suspects;

        Picker(LoadBalancer.SubchannelPicker roundRobin, Suspects suspects) {
            this.roundRobin = roundRobin;
            this.suspects = suspects;
        }

        @Override
        public LoadBalancer.PickResult pickSubchannel(LoadBalancer.PickSubchannelArgs args) {
            LoadBalancer.PickResult pick = roundRobinSkippingSuspects(args);
            Pick preferred = args.getCallOptions().getOption(PREFERRED);
            if (preferred != null && !suspects.contains(preferred.member)) {
                pick = LoadBalancer.PickResult.withSubchannel(preferred.member);
            }
            LoadBalancer.Subchannel member = pick.getSubchannel();
            AtomicReference<Pick> picked = args.getCallOptions().getOption(PICKED);
            if (picked != null && member != null) {
                picked.set(new Pick(member, suspects, suspects.isSilent(member)));
            }
            return member == null ? pick
                : LoadBalancer.PickResult.withSubchannel(member, suspects.watching(member, pick.getStreamTracerFactory(),
                    RetryPolicy.waitsByDesign(args.getMethodDescriptor()), WATCH.equals(args.getMethodDescriptor().getFullMethodName())));
        }

        /**
         * Round robin's next member that is no suspect; else, when every ready member is one, the next
         * that refuses rather than stays silent: a request that cannot succeed now should fail at once,
         * and a member that answers is the first to serve again.
         */
        private LoadBalancer.PickResult roundRobinSkippingSuspects(LoadBalancer.PickSubchannelArgs args) {
            Pick avoided = args.getCallOptions().getOption(AVOIDED);
            LoadBalancer.PickResult best = null;
            int bestRank = Integer.MAX_VALUE;
            for (int i = 0; i < TRIES && bestRank > 0; i++) {
                LoadBalancer.PickResult pick = roundRobin.pickSubchannel(args);
                if (pick.getSubchannel() == null) {
                    return best != null ? best : pick;
                }
                int rank = rank(pick.getSubchannel(), avoided);
                if (rank < bestRank) {
                    best = pick;
                    bestRank = rank;
                }
            }
            if (bestRank == 3) {
                suspects.probeOthers(null);   // every member silent: find the ones that only waited for a frozen one
            }
            return best;
        }

        /** 0: no suspect; 1: refuses; 2: the member the previous attempt got nothing from; 3: silent. */
        private int rank(LoadBalancer.Subchannel member, Pick avoided) {
            return suspects.isSilent(member) ? 3 : avoided != null && member == avoided.member ? 2 : suspects.isRefusing(member) ? 1 : 0;
        }
    }
}
