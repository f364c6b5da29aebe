package dev.etcdpoc.versus;

import dev.etcdpoc.check.Operation;
import dev.etcdpoc.check.Request;
import dev.etcdpoc.check.Response;
import java.util.List;
import java.util.Objects;

/**
 * One recorded call on a register — a key that holds one value or none — in words both systems share: a
 * get answers a value (or none), a set answers OK, a compare-and-set compares values, a delete answers
 * how many keys it removed. Redis's calls are recorded so; etcd's are recorded in the checker's own
 * types ({@link Operation}, with revisions) and seen through {@link #of(Operation)} for the verdicts here.
 *
 * @param client    who made the call; one client makes one call at a time
 * @param invoked   when it was sent, {@link System#nanoTime()}
 * @param completed when its answer came; {@link Long#MAX_VALUE} when none came
 */
public record RegisterCall(int client, long invoked, long completed, Command command, Reply reply) {

    /** What was asked, always of one key. */
    public sealed interface Command {
        String key();
    }

    public record Get(String key) implements Command {
    }

    public record Set(String key, String value) implements Command {
    }

    /** Writes {@code value} if the key holds {@code expected} (null: if it is absent). */
    public record CompareAndSet(String key, String expected, String value) implements Command {
    }

    public record Delete(String key) implements Command {
    }

    /** What came back. */
    public sealed interface Reply {
    }

    /** A get's answer: null when the key was absent. */
    public record Value(String value) implements Reply {
    }

    /** A set's answer. */
    public record Ok() implements Reply {
    }

    /** A delete's answer: how many keys it removed, 0 or 1. */
    public record Removed(int count) implements Reply {
    }

    /** A compare-and-set's answer: whether the compare held and the value was written. */
    public record Compared(boolean succeeded) implements Reply {
    }

    /** A read that failed, or a write known not to have been sent: it changed nothing. */
    public record Failed() implements Reply {
    }

    /** A write that ended in an error: it may or may not have taken effect, now or later. */
    public record Unknown() implements Reply {
    }

    public static final Reply OK = new Ok();
    public static final Reply FAILED = new Failed();
    public static final Reply UNKNOWN = new Unknown();

    public RegisterCall {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(reply, "reply");
        if (completed < invoked) {
            throw new IllegalArgumentException("completed (" + completed + ") before invoked (" + invoked + ")");
        }
    }

    public String key() {
        return command.key();
    }

    /** An answer came and it is not an error. */
    public boolean answered() {
        return !(reply instanceof Failed || reply instanceof Unknown);
    }

    /** The value a set or a compare-and-set wrote, or may have written; null for the rest and for a compare that failed. */
    public String written() {
        if (reply instanceof Failed || reply instanceof Compared c && !c.succeeded()) {
            return null;
        }
        return command instanceof Set set ? set.value() : command instanceof CompareAndSet cas ? cas.value() : null;
    }

    /** Whether this call may have changed the key: a write not known to have failed or to have changed nothing. */
    public boolean mayHaveWritten() {
        if (reply instanceof Failed || command instanceof Get) {
            return false;
        }
        return !(reply instanceof Compared c && !c.succeeded());
    }

    /** Whether this call certainly changed the key (or, a delete, certainly left it absent) by the time it was answered. */
    public boolean certainlyWrote() {
        return mayHaveWritten() && answered();
    }

    /** etcd's recorded call in these words: the revisions dropped (a cas's compare is on a revision, not a value: expected null here). */
    public static RegisterCall of(Operation op) {
        Request r = op.request();
        Command command = r instanceof Request.Put put ? new Set(put.key(), put.value())
            : r instanceof Request.Cas cas ? new CompareAndSet(cas.key(), null, cas.newValue())
            : r instanceof Request.Delete ? new Delete(r.key()) : new Get(r.key());
        Response a = op.response();
        Reply reply = a instanceof Response.Failed ? FAILED
            : a instanceof Response.Unknown ? UNKNOWN
            : a instanceof Response.Read read ? new Value(read.value())
            : a instanceof Response.Deleted d ? new Removed(d.count())
            : a instanceof Response.Swapped swapped ? new Compared(swapped.succeeded()) : OK;
        return new RegisterCall(op.client(), op.invoked(), op.completed(), command, reply);
    }

    /**
     * These calls in the checker's types, for its model of a register without revisions ({@link
     * dev.etcdpoc.check.Model#REGISTER}): the same calls, one operation each, in the same order.
     */
    public static List<Operation> forChecker(List<RegisterCall> calls) {
        return calls.stream().map(RegisterCall::operation).toList();
    }

    /** This call as the checker's operation. */
    Operation operation() {
        Request request = command instanceof Get ? new Request.Get(key())
            : command instanceof Set set ? new Request.Put(set.key(), set.value())
            : command instanceof CompareAndSet cas ? new Request.CompareAndSet(cas.key(), cas.expected(), cas.value())
            : new Request.Delete(key());
        Response response = reply instanceof Failed ? Response.FAILED
            : reply instanceof Unknown ? Response.UNKNOWN
            : reply instanceof Value value ? new Response.Value(value.value())
            : reply instanceof Removed removed ? new Response.Removed(removed.count())
            : reply instanceof Compared compared ? new Response.Compared(compared.succeeded())
            : new Response.Ok();
        return new Operation(client, invoked, completed, request, response);
    }
}
