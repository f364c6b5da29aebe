package dev.etcdpoc.core;

import dev.etcdpoc.recipes.RecipeException;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.common.exception.EtcdException;
import io.grpc.Status;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.net.ssl.SSLException;

/**
 * Turns what jetcd, gRPC and Netty throw into the few words a user needs. jetcd wraps gRPC
 * statuses, which wrap socket, TLS and etcd errors, so the whole cause chain is searched.
 */
public final class Failures {
    // etcd's own error texts (etcdserver/api/v3rpc/rpctypes), the same in 3.4, 3.5 and 3.6.
    private static final String AUTH_DISABLED = "authentication is not enabled";
    private static final String AUTH_FAILED = "authentication failed, invalid user ID or password";
    private static final String NO_USER = "user name is empty";
    private static final String PERMISSION_DENIED = "permission denied";
    private static final String USER_EXISTS = "user name already exists";
    private static final String ROLE_EXISTS = "role name already exists";
    private static final String NO_LEADER = "etcdserver: no leader";
    private static final String NO_SPACE = "mvcc: database space exceeded";
    // etcd's HTTP/2 server sends SETTINGS first; anything else (an HTTP/1 answer) is not an etcd client port.
    private static final String NOT_HTTP2 = "First received frame was not SETTINGS";
    private static final String UNKNOWN_SERVICE = "unknown service etcdserverpb";
    // gRPC's words for a connection the server closed without an HTTP/2 goodbye.
    private static final String DROPPED = "Network closed for unknown reason";
    // gRPC lists the channel's handlers with an I/O error; this one is there until the TLS handshake is done.
    private static final String TLS_HANDSHAKE_PENDING = "ClientTlsHandler";
    private static final String RESET = "Connection reset";
    private static final String HTTPS_TO_PLAIN = "https to a plain-http etcd: use http:// or enable TLS on etcd";
    /**
     * How the retry layer begins the description of an attempt it gave up on before its deadline (its member
     * stopped answering, or lost its leader): a deadline-exceeded status, with why.
     */
    public static final String GIVEN_UP = "given up before its deadline: ";
    private static final int MAX_CAUSES = 32;
    private static final Pattern HOST_MISMATCH = Pattern.compile("No (?:subject alternative (?:DNS )?names? matching|name matching) (?:IP address )?(\\S+) found");

    private Failures() {
    }

    /** Why the file system said no, in words: its exceptions carry the path, and the reason only sometimes. */
    public static String ofFile(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "it does not exist";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return String.valueOf(e.getMessage());
    }

    /** A short cause, e.g. "connection refused", "authentication failed: wrong user or password" or "etcdserver: no leader". */
    public static String describe(Throwable failure) {
        if (failure instanceof RecipeException && failure.getCause() != null) {
            // A recipe names its request; what went wrong is its cause, in the same words as everywhere else.
            return failure.getMessage() + ": " + describe(failure.getCause());
        }
        Optional<String> security = security(failure);
        if (security.isPresent()) {
            return security.get();
        }
        if (says(failure, NO_SPACE)) {
            // etcd's documented way out (op-guide/maintenance: "Space quota"); compaction drops old revisions cluster-wide.
            return "etcd's database is full: its NOSPACE alarm is raised (" + NO_SPACE + ") and it takes no writes until "
                + "an operator frees space: 'etcdctl compact REV' (REV: the revision 'etcdctl endpoint status -w json' shows), "
                + "'etcdctl defrag', then 'etcdctl alarm disarm'; or give etcd a larger --quota-backend-bytes";
        }
        if (says(failure, NOT_HTTP2) || says(failure, UNKNOWN_SERVICE)) {
            return "the server there is not an etcd gRPC server (" + (says(failure, NOT_HTTP2)
                ? "it answered in plain HTTP/1, not HTTP/2" : "it speaks gRPC but has no etcd service")
                + "): point --endpoints at etcd's client URL (--listen-client-urls, port 2379 by default)";
        }
        Optional<String> socket = chain(failure).map(Failures::socketProblem).flatMap(Optional::stream).findFirst();
        if (socket.isPresent()) {
            return socket.get();
        }
        Status status = status(failure);
        String description = status.getDescription() == null ? "" : firstLine(status.getDescription());
        switch (status.getCode()) {
            case DEADLINE_EXCEEDED:
                return "no answer from etcd before the deadline";
            case UNAVAILABLE:
                if (description.equals(DROPPED)) {
                    return "connection closed by the server";
                }
                return description.isEmpty() || description.equals("io exception") ? "etcd is unavailable" : description;
            case UNKNOWN:
                return failure.getMessage() == null ? failure.getClass().getSimpleName() : firstLine(failure.getMessage());
            default:
                return description.isEmpty() ? status.getCode().name().toLowerCase().replace('_', ' ') : description;
        }
    }

    /** True when the failure means no etcd answered at all, as opposed to etcd answering "no" or a failed TLS handshake. */
    public static boolean isUnreachable(Throwable failure) {
        if (security(failure).isPresent()) {
            return false;
        }
        if (chain(failure).anyMatch(t -> t instanceof TimeoutException || t instanceof ConnectException
            || t instanceof NoRouteToHostException || t instanceof UnknownHostException || t instanceof ClosedChannelException)) {
            return true;
        }
        Status.Code code = status(failure).getCode();
        return code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED;
    }

    /**
     * True when the request got no answer in time (as opposed to a refusal or a closed connection):
     * our deadline passed, or etcd itself gave up waiting for the write to be committed.
     */
    public static boolean isNoAnswer(Throwable failure) {
        return find(failure, TimeoutException.class).isPresent()
            || status(failure).getCode() == Status.Code.DEADLINE_EXCEEDED
            || says(failure, "etcdserver: request timed out");
    }

    /** True when nothing accepted the connection: no process listens there (or a firewall said no). */
    public static boolean isRefused(Throwable failure) {
        return find(failure, ConnectException.class).isPresent() || find(failure, NoRouteToHostException.class).isPresent();
    }

    /**
     * True when the request asked for history below etcd's compaction point: jetcd reports it as a
     * CompactedException on a watch, and as gRPC OUT_OF_RANGE "required revision has been compacted" on a get.
     */
    public static boolean isCompacted(Throwable failure) {
        return find(failure, CompactedException.class).isPresent()
            || status(failure).getCode() == Status.Code.OUT_OF_RANGE && says(failure, "required revision has been compacted");
    }

    /** True when etcd said it has no leader to take the request to: the member runs, its cluster has no quorum. */
    public static boolean isNoLeader(Throwable failure) {
        return says(failure, NO_LEADER);
    }

    /** True when the server closed the connection without a word: a dying etcd, or a TLS etcd spoken to in plain http. */
    public static boolean isConnectionDropped(Throwable failure) {
        // gRPC's words when the connection closes under a request; a write to a connection already closed, Netty's exception.
        return says(failure, DROPPED) || find(failure, ClosedChannelException.class).isPresent();
    }

    /** True when etcd refused to authenticate because auth is disabled on it: credentials are then not needed. */
    public static boolean isAuthDisabled(Throwable failure) {
        return says(failure, AUTH_DISABLED);
    }

    /** True when etcd refused a request because the user's roles do not permit it. */
    public static boolean isPermissionDenied(Throwable failure) {
        return says(failure, PERMISSION_DENIED) || status(failure).getCode() == Status.Code.PERMISSION_DENIED;
    }

    /** True when etcd says the user or role to add exists already. */
    public static boolean isAlreadyExisting(Throwable failure) {
        return says(failure, USER_EXISTS) || says(failure, ROLE_EXISTS);
    }

    /** What went wrong with authentication or TLS, phrased with what to do, if that is what went wrong. */
    private static Optional<String> security(Throwable failure) {
        if (says(failure, AUTH_FAILED)) {
            return Optional.of("authentication failed: wrong user or password");
        }
        if (says(failure, NO_USER)) {
            return Optional.of("etcd requires authentication: give --user and --password (or ETCD_USER and ETCD_PASSWORD)");
        }
        if (says(failure, PERMISSION_DENIED)) {
            return Optional.of("permission denied: no role of this user allows it");
        }
        Optional<String> tls = chain(failure).map(Failures::tlsProblem).flatMap(Optional::stream).findFirst();
        // A plain-http etcd may also reset the connection on the TLS hello (etcd 3.4 did, in 4 of 30 runs here):
        // gRPC then says only "io exception", with its handlers, and Netty says "Connection reset by peer".
        if (tls.isEmpty() && says(failure, TLS_HANDSHAKE_PENDING) && says(failure, RESET)) {
            return Optional.of(HTTPS_TO_PLAIN);
        }
        return tls;
    }

    /** What one exception of a cause chain says about the connection, if it is a socket or TLS exception. */
    private static Optional<String> socketProblem(Throwable t) {
        if (t instanceof DemoFailure) {
            return Optional.of(t.getMessage());
        }

        if (t instanceof UnknownHostException) {
            return Optional.of("unknown host " + t.getMessage());
        }
        if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
            return Optional.of("connection refused");
        }
        if (t instanceof SSLException) {
            return Optional.of("TLS failed: " + firstLine(t.getMessage()));
        }
        if (t instanceof ClosedChannelException) {
            return Optional.of("connection closed by the server");
        }
        return Optional.empty();
    }

    /** What one exception of a cause chain says about a TLS handshake that failed, phrased with what to do. */
    private static Optional<String> tlsProblem(Throwable t) {
        String message = t.getMessage() == null ? "" : t.getMessage();
        Matcher mismatch = HOST_MISMATCH.matcher(message);
        if (mismatch.find()) {
            return Optional.of("server certificate does not match host " + mismatch.group(1)
                + ": connect with a name or IP address the certificate lists, or have etcd's certificate list this one");
        }
        if (message.contains("PKIX path building failed") || message.contains("unable to find valid certification path")) {
            return Optional.of("server certificate not trusted: it is not signed by the CA in --cacert "
                + "(without --cacert: by a CA the JDK trusts); give --cacert the CA that signed etcd's certificate");
        }
        // etcd 3.4.23 (built with Go 1.19) refuses a client certificate from an unknown CA with bad_certificate; 3.5.30
        // (Go 1.26) with unknown_ca. The JDK reports its own distrust as PKIX, above, so this alert is etcd's.
        if (message.contains("bad_certificate") || message.contains("certificate_required")
            || message.contains("Received fatal alert: unknown_ca")) {
            return Optional.of("etcd requires a client certificate it trusts: give --cert and --key, "
                + "signed by the CA in etcd's --trusted-ca-file");
        }
        // A plain-http server closes the connection on the TLS hello (or, if it answers, gRPC says "not an SSL/TLS record").
        if (message.contains("while performing TLS negotiation") || message.contains("not an SSL/TLS record")) {
            return Optional.of(HTTPS_TO_PLAIN);
        }
        return Optional.empty();
    }

    /**
     * The gRPC status a failure carries. jetcd's lock and election clients turn the gRPC exception
     * into an EtcdException that keeps only its code and text, where Status.fromThrowable finds nothing.
     */
    public static Status status(Throwable failure) {
        Status status = Status.fromThrowable(failure);
        if (status.getCode() != Status.Code.UNKNOWN) {
            return status;
        }
        return find(failure, EtcdException.class)
            // jetcd's ErrorCode names are gRPC's code names.
            .map(e -> Status.fromCode(Status.Code.valueOf(e.getErrorCode().name())).withDescription(e.getMessage()))
            .orElse(status);
    }

    /** True when any exception in the chain carries etcd's error text. */
    private static boolean says(Throwable failure, String etcdText) {
        return chain(failure).anyMatch(t -> t.getMessage() != null && t.getMessage().contains(etcdText));
    }

    /** The first throwable of type {@code type} in {@code failure}'s cause chain: jetcd wraps what etcd answered. */
    public static <T extends Throwable> Optional<T> find(Throwable failure, Class<T> type) {
        return chain(failure).filter(type::isInstance).map(type::cast).findFirst();
    }

    /**
     * {@code failure}, its cause, the cause's cause...: the one walk every check here uses. Bounded,
     * because nothing stops a library from building a cycle of causes.
     */
    public static Stream<Throwable> chain(Throwable failure) {
        return Stream.iterate(failure, Objects::nonNull, Throwable::getCause).limit(MAX_CAUSES);
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        int newline = text.indexOf('\n');
        return (newline < 0 ? text : text.substring(0, newline)).trim();
    }
}
