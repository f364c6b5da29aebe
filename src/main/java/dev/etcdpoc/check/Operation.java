package dev.etcdpoc.check;

import java.util.Locale;
import java.util.Objects;

/**
 * One recorded call to one key: who made it, when (nanoseconds on one clock), what it asked and what came
 * back. The constructor accepts only responses that fit the request: a put's OK is etcd's
 * {@link Response.Written} or a register's {@link Response.Ok}, a get's {@link Response.Read} or
 * {@link Response.Value}, a delete's {@link Response.Deleted} or {@link Response.Removed}, a cas's
 * {@link Response.Swapped}, a compare-and-set's {@link Response.Compared}.
 *
 * <p>A transaction that writes several keys is recorded as one operation per key, all with the same
 * {@code txn}, client, times and outcome: they took effect together, at one revision, or not at all.
 *
 * @param client    who made the call; one client makes one call at a time
 * @param invoked   when the call was sent
 * @param completed when its answer came; {@link Long#MAX_VALUE} when none came
 * @param txn       the transaction this operation is part of; 0 when it is a call of its own
 */
public record Operation(int client, long invoked, long completed, Request request, Response response, long txn) {

    /** Whether the call is known to have happened, known not to have, or neither. */
    public enum Outcome { OK, FAILED, UNKNOWN }

    /** A call of its own, not part of a transaction. */
    public Operation(int client, long invoked, long completed, Request request, Response response) {
        this(client, invoked, completed, request, response, 0);
    }

    public Operation {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(response, "response");
        if (completed < invoked) {
            throw new IllegalArgumentException("completed (" + completed + ") before invoked (" + invoked + ")");
        }
        if (!fits(request, response)) {
            throw new IllegalArgumentException(request.text() + " cannot be answered " + response);
        }
        if (txn < 0) {
            throw new IllegalArgumentException("txn " + txn + " is negative; 0 means none");
        }
    }

    private static boolean fits(Request request, Response response) {
        if (response instanceof Response.Failed || response instanceof Response.Unknown) {
            return true;
        }
        return request instanceof Request.Put && (response instanceof Response.Written || response instanceof Response.Ok)
            || request instanceof Request.Get && (response instanceof Response.Read || response instanceof Response.Value)
            || request instanceof Request.Delete && (response instanceof Response.Deleted || response instanceof Response.Removed)
            || request instanceof Request.Cas && response instanceof Response.Swapped
            || request instanceof Request.CompareAndSet && response instanceof Response.Compared;
    }

    public String key() {
        return request.key();
    }

    public Outcome outcome() {
        if (response instanceof Response.Failed) {
            return Outcome.FAILED;
        }
        return response instanceof Response.Unknown ? Outcome.UNKNOWN : Outcome.OK;
    }

    /**
     * The value this call wrote or may have written: a put's, or a cas's unless its compare is known to
     * have failed; null for the rest, and for a call that definitely failed.
     */
    public String writtenValue() {
        if (outcome() == Outcome.FAILED) {
            return null;
        }
        if (request instanceof Request.Put put) {
            return put.value();
        }
        if (request instanceof Request.Cas cas
            && !(response instanceof Response.Swapped swapped && !swapped.succeeded())) {
            return cas.newValue();
        }
        if (request instanceof Request.CompareAndSet cas
            && !(response instanceof Response.Compared compared && !compared.succeeded())) {
            return cas.newValue();
        }
        return null;
    }

    /** The revision in the answer's header; null without an answer. */
    Long headerRevision() {
        Response r = response;
        if (r instanceof Response.Written w) {
            return w.revision();
        }
        if (r instanceof Response.Read read) {
            return read.revision();
        }
        if (r instanceof Response.Deleted d) {
            return d.revision();
        }
        return r instanceof Response.Swapped s ? s.revision() : null;
    }

    /**
     * The revision this call made, known from its answer: a put's, a successful cas's, a delete's that
     * deleted something; null for the rest.
     */
    Long revisionMade() {
        boolean made = response instanceof Response.Written
            || response instanceof Response.Swapped s && s.succeeded()
            || response instanceof Response.Deleted d && d.count() == 1;
        return made ? headerRevision() : null;
    }

    /**
     * One line for a witness: client, times in ms since {@code origin} (one decimal; "?" for an answer that
     * never came), request and response, and the transaction it was part of if any.
     */
    public String line(long origin) {
        String end = completed == Long.MAX_VALUE ? "?" : millis(completed - origin);
        return "client " + client + " [" + millis(invoked - origin) + " .. " + end + " ms] "
            + request.text() + " -> " + response.text() + (txn == 0 ? "" : " (txn " + txn + ")");
    }

    private static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.1f", nanos / 1e6);
    }
}
