package dev.etcdpoc.check;

import java.util.Map;
import java.util.Objects;

/**
 * etcd's semantics for one key as a deterministic step function: {@link #apply} says whether a call with
 * its recorded answer can take effect in a given state, and what the state becomes.
 *
 * <p>A call with an unknown outcome takes effect when applied (a cas only if its compare holds); "it
 * never took effect" is the search not placing it, or placing it after every other call, where it
 * changes nothing anyone saw. Such a write's revision is the one some read saw its (unique) value at;
 * when no read saw it, the value is {@link Register#unseen} and the store revision rises by at least one.
 */
final class RegisterModel {

    private final Map<String, Long> observedRevisions;

    /** @param observedRevisions for each value some read returned, the mod revision it returned */
    RegisterModel(Map<String, Long> observedRevisions) {
        this.observedRevisions = Map.copyOf(observedRevisions);
    }

    /**
     * Whether {@code op} can always come last: an unanswered delete, or an unanswered write whose value
     * nobody read (its revision stays symbolic, so no check on it can fail). Such a call never has to be
     * placed for a history to be linearizable, and placing it can only narrow what may follow.
     */
    boolean deferrable(Operation op) {
        return op.outcome() == Operation.Outcome.UNKNOWN
            && (op.request() instanceof Request.Delete || !observedRevisions.containsKey(op.writtenValue()));
    }

    /**
     * The highest floor at which {@code op} can still be placed ({@link Long#MAX_VALUE} for no limit): a
     * read's or unchanged call's header revision, a write's revision less one. Floors only grow, so once
     * the floor is above it the call can never be placed.
     */
    long ceiling(Operation op) {
        Long made = op.revisionMade();
        if (made != null) {
            return made - 1;
        }
        Long header = op.headerRevision();
        if (header != null) {
            return header;
        }
        Long seen = op.writtenValue() == null ? null : observedRevisions.get(op.writtenValue());
        return seen == null ? Long.MAX_VALUE : seen - 1;
    }

    /** The state after {@code op} in {@code state}, or null when its answer cannot be given there. */
    Register apply(Register state, Operation op) {
        Request request = op.request();
        Response response = op.response();
        if (response instanceof Response.Unknown) {
            return applyUnknown(state, request);
        }
        if (response instanceof Response.Read read) {
            boolean same = Objects.equals(state.value(), read.value()) && state.modRevision() == read.modRevision();
            return same && read.revision() >= state.floor() ? state.seenAt(read.revision()) : null;
        }
        if (response instanceof Response.Written written) {
            return write(state, ((Request.Put) request).value(), written.revision());
        }
        if (response instanceof Response.Deleted deleted) {
            if (deleted.count() == 1) {
                return state.exists() && deleted.revision() > state.floor()
                    ? new Register(null, 0, deleted.revision()) : null;
            }
            return !state.exists() && deleted.revision() >= state.floor() ? state.seenAt(deleted.revision()) : null;
        }
        Request.Cas cas = (Request.Cas) request;
        Response.Swapped swapped = (Response.Swapped) response;
        boolean holds = state.modRevision() == cas.expectedModRevision();
        if (swapped.succeeded()) {
            return holds ? write(state, cas.newValue(), swapped.revision()) : null;
        }
        return !holds && swapped.revision() >= state.floor() ? state.seenAt(swapped.revision()) : null;
    }

    private Register applyUnknown(Register state, Request request) {
        if (request instanceof Request.Put put) {
            return writeUnseen(state, put.value());
        }
        if (request instanceof Request.Delete) {
            // A delete makes a new store revision only when it deletes something.
            return state.exists() ? new Register(null, 0, state.floor() + 1) : state;
        }
        // Reads without an answer are left out before the search, so this is a cas.
        Request.Cas cas = (Request.Cas) request;
        return state.modRevision() == cas.expectedModRevision() ? writeUnseen(state, cas.newValue()) : state;
    }

    private Register writeUnseen(Register state, String value) {
        Long seen = observedRevisions.get(value);
        if (seen == null) {
            return Register.unseen(state.floor() + 1);
        }
        return write(state, value, seen);
    }

    private static Register write(Register state, String value, long revision) {
        return revision > state.floor() ? new Register(value, revision, revision) : null;
    }
}
