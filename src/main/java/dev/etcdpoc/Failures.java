package dev.etcdpoc;

import io.grpc.Status;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * Turns what jetcd, gRPC and Netty throw into the few words a user needs. jetcd wraps gRPC
 * statuses, which wrap socket errors, so the whole cause chain is searched.
 */
public final class Failures {
    private Failures() {
    }

    /** A short cause, e.g. "connection refused" or "etcdserver: no leader". */
    public static String describe(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof DemoFailure) {
                return t.getMessage();
            }
            if (t instanceof UnknownHostException) {
                return "unknown host " + t.getMessage();
            }
            if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
                return "connection refused";
            }
            if (t instanceof SSLException) {
                return "TLS failed: " + firstLine(t.getMessage());
            }
            if (t instanceof ClosedChannelException) {
                return "connection closed by the server";
            }
        }
        Status status = Status.fromThrowable(failure);
        String description = status.getDescription() == null ? "" : firstLine(status.getDescription());
        switch (status.getCode()) {
            case DEADLINE_EXCEEDED:
                return "no answer from etcd before the deadline";
            case UNAVAILABLE:
                return description.isEmpty() || description.equals("io exception") ? "etcd is unavailable" : description;
            case UNKNOWN:
                return failure.getMessage() == null ? failure.getClass().getSimpleName() : firstLine(failure.getMessage());
            default:
                return description.isEmpty() ? status.getCode().name().toLowerCase().replace('_', ' ') : description;
        }
    }

    /** True when the failure means no etcd answered at all, as opposed to etcd answering "no". */
    public static boolean isUnreachable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof TimeoutException || t instanceof ConnectException || t instanceof NoRouteToHostException
                || t instanceof UnknownHostException || t instanceof ClosedChannelException) {
                return true;
            }
        }
        Status.Code code = Status.fromThrowable(failure).getCode();
        return code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED;
    }

    /** The first throwable of type {@code type} in {@code failure}'s cause chain: jetcd wraps what etcd answered. */
    public static <T extends Throwable> Optional<T> find(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return Optional.of(type.cast(t));
            }
        }
        return Optional.empty();
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        int newline = text.indexOf('\n');
        return (newline < 0 ? text : text.substring(0, newline)).trim();
    }
}
