package dev.etcdpoc.connect;

import dev.etcdpoc.core.Await;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnRequest;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.nio.channels.ClosedChannelException;
import java.util.Map;
import java.util.stream.Stream;
import javax.net.ssl.SSLException;

/**
 * THE retry policy: for every kind of etcd request the program makes, whether it is sent again
 * after an attempt that got no answer in time or one of etcd's passing errors, and how a write
 * whose outcome is unknown is settled first, so that no second attempt repeats what the first did. Every unary
 * request of every client the program builds goes through it ({@link RetryingCall}); call sites
 * never decide for themselves. The table, as docs/retries.md shows it:
 *
 * <pre>
 * request                          after a refusal (*)     after no answer in time (**)      settled how
 * -------------------------------  ----------------------  --------------------------------  -------------------------------
 * get, lease TTL, leases, status,  sent again              sent again                        nothing to settle: a read
 *   member list, leader, auth get
 * put; txn whose writes are puts   sent again              read back first, sent again only  WriteCheck: the keys hold the
 *   (guarded by compares or not)                           if not applied                    written values at one revision?
 * delete of one key                sent again              sent again as a txn: only if the  GuardedDelete: nobody wrote the
 *                                                          key is unchanged since the first  key since; its answer says what
 *                                                                                            the second attempt deleted
 * delete of a range (a prefix of   sent again              sent again                        deleting what is gone changes
 *   the caller's own); txn of                                                                nothing; the txn's compares pin
 *   deletes guarded by compares                                                              what it deletes
 * lease grant                      sent again              sent again with the SAME lease    "lease already exists" = granted
 *                                                          ID (the client picks it)
 * lease revoke                     sent again              sent again                        "lease not found" = revoked
 * lock, campaign                   sent again              sent again                        keyed by the lease: a second try
 *                                                                                            finds the first one's key
 * unlock, resign, proclaim         sent again              sent again                        the key is the caller's own
 * compact                          sent again              sent again                        "compacted" = done
 * user/role add, delete, grant,    sent again              sent again                        "already exists" / "not found"
 *   revoke; auth enable/disable                                                              = done
 * anything else (member add or     not sent again          not sent again                    -
 *   remove, defragment, alarms)
 * </pre>
 *
 * A lock or a campaign refused with "required revision has been compacted" is sent again at once: etcd
 * waits for the older contenders with a watch from the revision it read them at, which another client's
 * compaction can refuse, and the contender's key, on the caller's lease, keeps its place.
 * (*) etcd refused before it proposed anything: "no leader", "raft proposal dropped", "too many
 * requests", "leader changed" on a read; or, with several members, a connection that could not be
 * made. Such failures come back at once: the next attempt follows a short pause (50 ms, doubling to
 * 800 ms; the last one while a quarter of a deadline is left), and a request that meets them for an
 * election's worth (5 s, within its deadlines and half of one more) ends there (an election takes about a
 * second, a split vote one or two more: {@link dev.etcdpoc.core.Await#ELECTION}; longer is a member without a leader:
 * no quorum, or cut off). From
 * its second refusal on, that counts from when etcd began to refuse the client for want of a leader,
 * if earlier ({@link RetryingCall}).
 * (**) the deadline passed, etcd said "request timed out" (it gave up waiting for the commit), or
 * "leader changed" on a write, or, with several members, a connection that broke with the request
 * sent: it may have been applied. The next attempt goes at once, to another member.
 * Every other answer is final, and so is any connection failure with one member (there is no other to
 * ask) or a failed TLS handshake. A request is sent again to another member when there are several
 * ({@link SkipSilentMembers} skips the one that failed), for at most {@link #ATTEMPT_DEADLINES_PER_REQUEST}
 * request deadlines in all: the first attempt gets a whole deadline, later ones half of one each, so
 * that every member of three can be tried. A lock or a campaign, which etcd holds until its turn comes,
 * gets its caller's whole wait, and a member that held it past a deadline is asked for its status: one
 * that answers gets it again (see {@link RetryingCall}).
 */
final class RetryPolicy {
    /** How many request deadlines (--timeout) one request may take over all its attempts. */
    static final int ATTEMPT_DEADLINES_PER_REQUEST = Await.ATTEMPT_DEADLINES_PER_REQUEST;

    /** What may follow an attempt that failed with a passing error or got no answer. */
    enum Rule {
        /** A read: sent again, nothing to settle. */
        READ,
        /** Idempotent, or settled by a known answer to the second attempt: sent again as it is. */
        AS_IS,
        /** A write: after no answer, sent again only once a read shows it was not applied. */
        READ_BACK,
        /** A delete of one key: after no answer, sent again only guarded by the key's mod revision. */
        GUARDED_DELETE,
        /** A lease grant: sent again with the lease ID the first attempt asked for. */
        SAME_LEASE_ID,
        /** Not sent again. */
        NEVER
    }

    /** What one failed attempt says about the request. */
    enum Outcome {
        /** etcd refused before proposing it: not applied. */
        NOT_APPLIED,
        /** No answer in time: it may have been applied. */
        UNKNOWN,
        /** etcd's final answer (a permission, a bad request, a missing key...), or a cancel. */
        FINAL
    }

    private static final Map<String, Rule> RULES = Map.ofEntries(
        Map.entry("etcdserverpb.KV/Range", Rule.READ),
        Map.entry("etcdserverpb.KV/Put", Rule.READ_BACK),
        Map.entry("etcdserverpb.KV/DeleteRange", Rule.AS_IS),
        Map.entry("etcdserverpb.KV/Compact", Rule.AS_IS),
        Map.entry("etcdserverpb.Lease/LeaseGrant", Rule.SAME_LEASE_ID),
        Map.entry("etcdserverpb.Lease/LeaseRevoke", Rule.AS_IS),
        Map.entry("etcdserverpb.Lease/LeaseTimeToLive", Rule.READ),
        Map.entry("etcdserverpb.Lease/LeaseLeases", Rule.READ),
        Map.entry("v3lockpb.Lock/Lock", Rule.AS_IS),
        Map.entry("v3lockpb.Lock/Unlock", Rule.AS_IS),
        Map.entry("v3electionpb.Election/Campaign", Rule.AS_IS),
        Map.entry("v3electionpb.Election/Proclaim", Rule.AS_IS),
        Map.entry("v3electionpb.Election/Resign", Rule.AS_IS),
        Map.entry("v3electionpb.Election/Leader", Rule.READ),
        Map.entry("etcdserverpb.Maintenance/Status", Rule.READ),
        Map.entry("etcdserverpb.Cluster/MemberList", Rule.READ),
        Map.entry("etcdserverpb.Auth/Authenticate", Rule.READ),
        Map.entry("etcdserverpb.Auth/AuthStatus", Rule.READ),
        Map.entry("etcdserverpb.Auth/UserGet", Rule.READ),
        Map.entry("etcdserverpb.Auth/UserList", Rule.READ),
        Map.entry("etcdserverpb.Auth/RoleGet", Rule.READ),
        Map.entry("etcdserverpb.Auth/RoleList", Rule.READ),
        Map.entry("etcdserverpb.Auth/UserAdd", Rule.AS_IS),
        Map.entry("etcdserverpb.Auth/UserDelete", Rule.AS_IS),
        Map.entry("etcdserverpb.Auth/UserGrantRole", Rule.AS_IS),
        Map.entry("etcdserverpb.Auth/UserRevokeRole", Rule.AS_IS),
        Map.entry("etcdserverpb.Auth/RoleAdd", Rule.AS_IS),
        Map.entry("etcdserverpb.Auth/RoleDelete", Rule.AS_IS),
        Map.entry("etcdserverpb.Auth/RoleGrantPermission", Rule.AS_IS),
        Map.entry("etcdserverpb.Auth/RoleRevokePermission", Rule.AS_IS),
        Map.entry("etcdserverpb.Auth/AuthEnable", Rule.AS_IS),
        Map.entry("etcdserverpb.Auth/AuthDisable", Rule.AS_IS));

    // etcd's error texts (etcdserver/api/v3rpc/rpctypes), the same in 3.4 and 3.5.
    private static final String NO_LEADER = "etcdserver: no leader";
    private static final String PROPOSAL_DROPPED = "raft proposal dropped";
    private static final String TOO_MANY_REQUESTS = "etcdserver: too many requests";
    private static final String LEADER_CHANGED = "etcdserver: leader changed";
    /** Also "... due to previous leader failure", "... due to connection lost", "... possibly due to ...". */
    private static final String REQUEST_TIMED_OUT = "etcdserver: request timed out";
    private static final String SERVER_STOPPED = "etcdserver: server stopped";
    /**
     * Our deadline, as the server saw it pass first: gRPC sends it along, and etcd 3.4 hands back the
     * expired context's own error (status UNKNOWN) when a read waited for a leader that was cut off.
     */
    private static final String DEADLINE_SEEN_BY_SERVER = "context deadline exceeded";
    private static final String COMPACTED = "required revision has been compacted";
    /** How etcd's own answers begin; a gRPC status without it is about the connection. */
    private static final String ETCD = "etcdserver: ";

    private RetryPolicy() {
    }

    /**
     * True for requests that etcd holds on purpose until something else happens: a lock until every
     * older contender is gone, a campaign until the election is won. Their deadline passing says
     * nothing about the member that held them (a healthy one does), so it must not make it a suspect.
     */
    static boolean waitsByDesign(MethodDescriptor<?, ?> method) {
        String name = method.getFullMethodName();
        return "v3lockpb.Lock/Lock".equals(name) || "v3electionpb.Election/Campaign".equals(name);
    }

    /**
     * True for requests only a member with a leader can serve (they go through raft, or read
     * linearizably): not a member's own status or member list, which a diagnosis asks of a member
     * without a leader too, and not a serializable read, which a member serves from its own copy
     * whether it has a leader or not (that is what asking for one means).
     */
    static boolean needsLeader(MethodDescriptor<?, ?> method, Object request) {
        String service = method.getServiceName();
        return !"etcdserverpb.Maintenance".equals(service) && !"etcdserverpb.Cluster".equals(service)
            && !(request instanceof RangeRequest range && range.getSerializable());
    }

    /** The rule for this request. A txn's rule depends on what it does. */
    static Rule ruleFor(MethodDescriptor<?, ?> method, Object request) {
        if (request instanceof TxnRequest txn) {
            return ruleFor(txn);
        }
        if (request instanceof DeleteRangeRequest delete && delete.getPrevKv()) {
            // Its answer carries the deleted values: a second attempt would answer "nothing deleted".
            return Rule.NEVER;
        }
        if (GuardedDelete.applies(request)) {
            return Rule.GUARDED_DELETE;
        }
        return RULES.getOrDefault(method.getFullMethodName(), Rule.NEVER);
    }

    private static Rule ruleFor(TxnRequest txn) {
        if (ops(txn).allMatch(RequestOp::hasRequestRange)) {
            return Rule.READ;
        }
        if (ops(txn).allMatch(op -> op.hasRequestDeleteRange() && !op.getRequestDeleteRange().getPrevKv())) {
            // Sent again as it is only when its compares pin what it deletes (OwnedKeys compares create revisions).
            return txn.getCompareCount() > 0 ? Rule.AS_IS : Rule.NEVER;
        }
        return WriteCheck.of(txn).isPresent() ? Rule.READ_BACK : Rule.NEVER;
    }

    private static Stream<RequestOp> ops(TxnRequest txn) {
        return Stream.concat(txn.getSuccessList().stream(), txn.getFailureList().stream());
    }

    /**
     * What a failed attempt says: applied or not, or a final answer. A connection that failed is
     * final with one member (nothing else to ask; jetcd itself retries a read over a short blip) and
     * after a failed TLS handshake (no second attempt fixes a certificate).
     */
    static Outcome outcome(Status status, Rule rule, boolean severalMembers) {
        String description = String.valueOf(status.getDescription());
        if (isNoAnswer(status) || description.startsWith(SERVER_STOPPED)) {
            return Outcome.UNKNOWN;
        }
        if (description.startsWith(NO_LEADER) || description.contains(PROPOSAL_DROPPED) || description.startsWith(TOO_MANY_REQUESTS)) {
            return Outcome.NOT_APPLIED;
        }
        if (description.startsWith(LEADER_CHANGED)) {
            return rule == Rule.READ ? Outcome.NOT_APPLIED : Outcome.UNKNOWN;
        }
        if (connectionFailed(status)) {
            if (!severalMembers || causedBy(status, SSLException.class)) {
                return Outcome.FINAL;
            }
            return neverConnected(status) ? Outcome.NOT_APPLIED : Outcome.UNKNOWN;
        }
        return Outcome.FINAL;
    }

    /**
     * A failure of the connection, not an answer of etcd's: UNAVAILABLE without etcd's words, or any status
     * caused by a closed channel (a killed leader's connection: gRPC does not always say UNAVAILABLE then).
     */
    private static boolean connectionFailed(Status status) {
        return !String.valueOf(status.getDescription()).startsWith(ETCD)
            && (status.getCode() == Status.Code.UNAVAILABLE || causedBy(status, ClosedChannelException.class));
    }

    /**
     * True when the attempt got no answer in time: our deadline passed (here, or on the server), or etcd
     * gave up waiting for the commit. (Every other failure comes back at once, and the next attempt waits a little first.)
     */
    static boolean isNoAnswer(Status status) {
        String description = String.valueOf(status.getDescription());
        return status.getCode() == Status.Code.DEADLINE_EXCEEDED || description.startsWith(REQUEST_TIMED_OUT)
            || status.getCode() == Status.Code.UNKNOWN && description.equals(DEADLINE_SEEN_BY_SERVER);
    }

    /** True when a member refused for want of a leader: an election under way, no quorum, or cut off from the others. */
    static boolean isNoLeader(Status status) {
        return String.valueOf(status.getDescription()).startsWith(NO_LEADER);
    }

    /**
     * True when a member answered so, or not at all, because it cannot serve requests right now: no
     * answer in time, no leader, an election under way. Another member may.
     */
    static boolean cannotServe(Status status) {
        // A broken connection is not the member's answer: gRPC's own connection state tells round robin.
        return !connectionFailed(status) && outcome(status, Rule.READ, true) != Outcome.FINAL;
    }

    /** True when the attempt failed because no connection could be made: nothing was sent. */
    private static boolean neverConnected(Status status) {
        return causedBy(status, ConnectException.class) || causedBy(status, NoRouteToHostException.class);
    }

    private static boolean causedBy(Status status, Class<? extends Throwable> type) {
        return Stream.iterate(status.getCause(), c -> c != null, Throwable::getCause).limit(16).anyMatch(type::isInstance);
    }

    /**
     * True when {@code status}, the answer to an attempt sent again after one whose outcome was
     * unknown, says the first attempt did it: the lease or user it adds exists, the lease or user it
     * removes is gone, the revision it compacts is compacted.
     */
    static boolean doneByEarlierAttempt(MethodDescriptor<?, ?> method, Status status) {
        String name = method.getFullMethodName();
        String description = String.valueOf(status.getDescription());
        if (name.endsWith("/LeaseRevoke") || name.endsWith("/UserDelete") || name.endsWith("/RoleDelete")) {
            return status.getCode() == Status.Code.NOT_FOUND || description.contains("not found");
        }
        if (name.endsWith("/UserAdd") || name.endsWith("/RoleAdd")) {
            return description.contains("already exists");
        }
        if (name.endsWith("/Compact")) {
            return description.contains(COMPACTED);
        }
        return false;
    }

    /** True when etcd refused the request because a revision it needed was compacted. */
    static boolean isCompacted(Status status) {
        return String.valueOf(status.getDescription()).contains(COMPACTED);
    }

    /** True when a lease grant was refused because a lease with the ID it asked for exists. */
    static boolean leaseExists(Status status) {
        return String.valueOf(status.getDescription()).contains("lease already exists");
    }
}
