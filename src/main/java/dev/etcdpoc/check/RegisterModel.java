package dev.etcdpoc.check;

import java.util.List;
import java.util.Optional;

/**
 * A store without revisions, such as Redis's strings ({@link RegisterRules}): a read answers the value, a
 * put is acknowledged, a delete says whether it removed the key, a compare-and-set compares values. A
 * value may be written more than once. Each key is checked alone, which is exact: a call touches one
 * key (Herlihy and Wing's locality), so transactions across keys are not taken.
 */
final class RegisterModel extends Model {

    @Override
    public String name() {
        return "register";
    }

    @Override
    Optional<String> refusal(Operation op) {
        Response r = op.response();
        if (op.request() instanceof Request.Cas) {
            return Optional.of(op.request().text() + " compares a mod revision, which a register does not have "
                + "(use the etcd model for revisions)");
        }
        boolean registerAnswer = r instanceof Response.Ok || r instanceof Response.Value || r instanceof Response.Removed
            || r instanceof Response.Compared || r instanceof Response.Failed || r instanceof Response.Unknown;
        if (!registerAnswer) {
            return Optional.of(op.request().text() + " -> " + r.text() + " carries a revision; a register's answers do "
                + "not (use the etcd model for etcd's answers)");
        }
        if (op.txn() != 0) {
            return Optional.of(op.request().text() + " in txn " + op.txn() + ": transactions across keys are checked with "
                + "the etcd model only");
        }
        return Optional.empty();
    }

    @Override
    Semantics semantics(List<Operation> history) {
        return new RegisterSemantics(history);
    }
}
