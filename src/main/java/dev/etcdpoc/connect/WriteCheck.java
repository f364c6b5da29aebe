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
 * Whether a write that got no answer was applied after all, told by reading the keys it writes. A put
 * (or a txn whose writes are puts, guarded by compares or not) that ran past its deadline may still
 * have been committed: the member forwarded it, then froze before answering. Sending it again would
 * write a second revision that a watch, the history or a version check would show, so before a
 * second attempt the keys are read, in one txn, at one revision:
 * <ul>
 *   <li>each holds the written value and lease, all at one mod revision newer than anything this
 *       client had seen when it sent the write: it was applied, and its answer is made from that
 *       revision (a txn's: its compares held, its puts answered);
 *   <li>each is absent, or unchanged since before the write was sent: it was not applied, and is sent again;
 *   <li>anything else (another client wrote a key since): it cannot be told, and the write fails
 *       rather than overwrite what the other client wrote.
 * </ul>
 * What a read cannot tell: a key created by this write and deleted by another client right after
 * looks like one never created, and is created again.
 */
final class WriteCheck {
    /** What the read says. */
    enum Verdict { APPLIED, NOT_APPLIED, CANNOT_TELL }

    private final List<PutRequest> puts;

    private WriteCheck(List<PutRequest> puts) {
        this.puts = puts;
    }

    /** A check for {@code request}, when it is a write whose effect a read can recognise; else empty. */
    static Optional<WriteCheck> of(Object request) {
        if (request instanceof PutRequest put) {
            return checkable(put) ? Optional.of(new WriteCheck(List.of(put))) : Optional.empty();
        }
        if (request instanceof TxnRequest txn && txn.getSuccessCount() > 0) {
            List<PutRequest> puts = new ArrayList<>();
            for (RequestOp op : txn.getSuccessList()) {
                if (!op.hasRequestPut() || !checkable(op.getRequestPut())) {
                    return Optional.empty();
                }
                puts.add(op.getRequestPut());
            }
            // Its failure branch may read (a compare-and-swap returns the current value): a read writes nothing.
            return txn.getFailureList().stream().allMatch(RequestOp::hasRequestRange) ? Optional.of(new WriteCheck(puts)) : Optional.empty();
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

    /**
     * What {@code read} says about the write.
     *
     * @param seenBefore the newest revision this client had seen answered before it sent the write
     */
    Verdict verdict(TxnResponse read, long seenBefore) {
        boolean allWritten = true;
        boolean allUntouched = true;
        long revision = -1;
        for (int i = 0; i < puts.size(); i++) {
            List<KeyValue> kvs = read.getResponses(i).getResponseRange().getKvsList();
            PutRequest put = puts.get(i);
            KeyValue kv = kvs.isEmpty() ? null : kvs.get(0);
            boolean written = kv != null && kv.getValue().equals(put.getValue()) && kv.getLease() == put.getLease()
                && kv.getModRevision() > seenBefore && (revision == -1 || kv.getModRevision() == revision);
            if (kv != null) {
                revision = kv.getModRevision();
            }
            allWritten &= written;
            allUntouched &= kv == null || kv.getModRevision() <= seenBefore;
        }
        return allWritten ? Verdict.APPLIED : allUntouched ? Verdict.NOT_APPLIED : Verdict.CANNOT_TELL;
    }

    /** The answer the write had, made from a read whose verdict is {@link Verdict#APPLIED}. */
    Object answer(Object request, TxnResponse read) {
        long revision = read.getResponses(0).getResponseRange().getKvs(0).getModRevision();
        ResponseHeader header = read.getHeader().toBuilder().setRevision(revision).build();
        if (request instanceof PutRequest) {
            return PutResponse.newBuilder().setHeader(header).build();
        }
        TxnResponse.Builder answer = TxnResponse.newBuilder().setHeader(header).setSucceeded(true);
        puts.forEach(p -> answer.addResponses(ResponseOp.newBuilder().setResponsePut(PutResponse.newBuilder().setHeader(header))));
        return answer.build();
    }
}
