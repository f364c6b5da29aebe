package dev.etcdpoc.connect;

import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.PutResponse;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcd.jetcd.api.ResponseOp;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Whether a write that got no answer was applied after all, told by reading the keys it writes.
 * A put (or an unconditional transaction of puts) that ran past its deadline may still have been
 * committed: the member forwarded it, then froze before answering. Sending it again would write a
 * second revision that a watch, the history or a version check would show. So before a retry the
 * keys are read on another member: if each holds the written value and lease at one revision, the
 * write was applied and its answer is made from that read; if not, the write is sent again.
 * (Conditional writes would need every write of a recipe to be a transaction; the demo's recipes
 * are plain puts on purpose.)
 */
final class WriteCheck {
    private final List<PutRequest> puts;

    private WriteCheck(List<PutRequest> puts) {
        this.puts = puts;
    }

    /** A check for {@code request}, when it is a write whose effect a read can recognise; else empty, and it is not retried. */
    static Optional<WriteCheck> of(Object request) {
        if (request instanceof PutRequest put) {
            return checkable(put) ? Optional.of(new WriteCheck(List.of(put))) : Optional.empty();
        }
        if (request instanceof TxnRequest txn && txn.getCompareCount() == 0 && txn.getSuccessCount() > 0) {
            List<PutRequest> puts = new ArrayList<>();
            for (RequestOp op : txn.getSuccessList()) {
                if (!op.hasRequestPut() || !checkable(op.getRequestPut())) {
                    return Optional.empty();
                }
                puts.add(op.getRequestPut());
            }
            return Optional.of(new WriteCheck(puts));
        }
        return Optional.empty();
    }

    /** A put whose answer carries nothing but a header, so an answer made from a read is the same answer. */
    private static boolean checkable(PutRequest put) {
        return !put.getPrevKv() && !put.getIgnoreValue() && !put.getIgnoreLease();
    }

    /** One read-only transaction that reads every key written: one revision for all of them. */
    TxnRequest read() {
        TxnRequest.Builder txn = TxnRequest.newBuilder();
        puts.forEach(p -> txn.addSuccess(RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(p.getKey()))));
        return txn.build();
    }

    /** The answer the write would have had, if {@code read} shows it applied; else empty. */
    Optional<Object> answerIfApplied(Object request, TxnResponse read) {
        long revision = -1;
        for (int i = 0; i < puts.size(); i++) {
            List<KeyValue> kvs = read.getResponses(i).getResponseRange().getKvsList();
            PutRequest put = puts.get(i);
            if (kvs.isEmpty() || !kvs.get(0).getValue().equals(put.getValue()) || kvs.get(0).getLease() != put.getLease()
                || (revision != -1 && kvs.get(0).getModRevision() != revision)) {
                return Optional.empty();
            }
            revision = kvs.get(0).getModRevision();
        }
        ResponseHeader header = read.getHeader();
        if (request instanceof PutRequest) {
            return Optional.of(PutResponse.newBuilder().setHeader(header).build());
        }
        TxnResponse.Builder answer = TxnResponse.newBuilder().setHeader(header).setSucceeded(true);
        puts.forEach(p -> answer.addResponses(ResponseOp.newBuilder().setResponsePut(PutResponse.newBuilder().setHeader(header))));
        return Optional.of(answer.build());
    }
}
