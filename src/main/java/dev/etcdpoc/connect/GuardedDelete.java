package dev.etcdpoc.connect;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.DeleteRangeResponse;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;

/**
 * How a delete of one key that got no answer is sent again: as a txn that deletes the key only if
 * nobody wrote it since the first attempt was sent. Sent again as it was, it would delete what another
 * client wrote in between, after the first attempt had been applied unanswered (the check section saw
 * exactly that). The guard is the key's mod revision: at most the newest revision this client had seen
 * answered before the first attempt (an absent key's is 0). When the guard fails, another client wrote
 * the key meanwhile, and whether the first attempt was applied cannot be told.
 */
final class GuardedDelete {
    private final DeleteRangeRequest delete;

    private GuardedDelete(DeleteRangeRequest delete) {
        this.delete = delete;
    }

    /** True for a delete of one key (no range) whose answer a txn's answer can stand for. */
    static boolean applies(Object request) {
        return request instanceof DeleteRangeRequest d && d.getRangeEnd().isEmpty() && !d.getPrevKv();
    }

    static GuardedDelete of(Object request) {
        return new GuardedDelete((DeleteRangeRequest) request);
    }

    /** The delete again, guarded: if the key's mod revision is still at most {@code seenBefore}. */
    TxnRequest txn(long seenBefore) {
        ByteString key = delete.getKey();
        Compare unchanged = Compare.newBuilder().setKey(key).setTarget(Compare.CompareTarget.MOD)
            .setResult(Compare.CompareResult.LESS).setModRevision(seenBefore + 1).build();
        return TxnRequest.newBuilder().addCompare(unchanged)
            .addSuccess(RequestOp.newBuilder().setRequestDeleteRange(delete))
            .addFailure(RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(key).setKeysOnly(true)))
            .build();
    }

    /** The delete's answer, from a guarded txn that {@link TxnResponse#getSucceeded() succeeded}. */
    static DeleteRangeResponse answer(TxnResponse txn) {
        return txn.getResponses(0).getResponseDeleteRange().toBuilder().setHeader(txn.getHeader()).build();
    }
}
