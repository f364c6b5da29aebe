package dev.etcdpoc.connect;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.etcdpoc.support.Etcd;
import dev.etcdpoc.support.EtcdExtension;
import dev.etcdpoc.support.EtcdFixture;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import java.net.URI;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A delete of one key that got no answer goes again only as a txn guarded by the key's mod revision: it
 * leaves alone what another client wrote after the first try was sent, and deletes what nobody touched.
 * (The check section saw a delete sent again as it was delete another client's newer value.)
 */
@ExtendWith(EtcdExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GuardedDeleteTest {
    @Test
    void theSecondTryDeletesTheKeyOnlyIfNobodyWroteItSinceTheFirst(EtcdFixture etcd) {
        String key = "guarded-delete/" + UUID.randomUUID();
        DeleteRangeRequest delete = DeleteRangeRequest.newBuilder().setKey(ByteString.copyFromUtf8(key)).build();
        URI uri = etcd.endpoints().uris().get(0);
        ManagedChannel channel = NettyChannelBuilder.forAddress(uri.getHost(), uri.getPort()).usePlaintext().build();
        try (Etcd check = new Etcd(etcd.endpoints())) {
            long firstTrySent = check.put(key, "the run's");
            long someoneElses = check.put(key, "someone else's");

            TxnResponse refused = send(channel, GuardedDelete.of(delete).txn(firstTrySent));
            assertThat(refused.getSucceeded()).as("the guard, with the key written after the first try").isFalse();
            assertThat(check.count(key)).as("another client's value, kept").isEqualTo(1);

            TxnResponse deleted = send(channel, GuardedDelete.of(delete).txn(someoneElses));
            assertThat(deleted.getSucceeded()).as("the guard, with the key unchanged since").isTrue();
            assertThat(GuardedDelete.answer(deleted).getDeleted()).isEqualTo(1);
            assertThat(GuardedDelete.answer(deleted).getHeader().getRevision()).isEqualTo(deleted.getHeader().getRevision());
            assertThat(check.count(key)).isZero();

            TxnResponse gone = send(channel, GuardedDelete.of(delete).txn(someoneElses));
            assertThat(gone.getSucceeded()).as("the guard holds for a key that is gone").isTrue();
            assertThat(GuardedDelete.answer(gone).getDeleted()).as("what the second try deleted").isZero();
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    void onlyADeleteOfOneKeyIsGuardedAndATxnOfDeletesGoesAgainOnlyWithCompares() {
        DeleteRangeRequest one = DeleteRangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("k")).build();
        DeleteRangeRequest prefix = one.toBuilder().setRangeEnd(ByteString.copyFromUtf8("l")).build();
        DeleteRangeRequest withPrevious = one.toBuilder().setPrevKv(true).build();
        TxnRequest unguarded = TxnRequest.newBuilder().addSuccess(RequestOp.newBuilder().setRequestDeleteRange(one)).build();
        TxnRequest guarded = unguarded.toBuilder().addCompare(Compare.newBuilder().setKey(one.getKey())
            .setTarget(Compare.CompareTarget.CREATE).setResult(Compare.CompareResult.EQUAL).setCreateRevision(7)).build();

        assertThat(RetryPolicy.ruleFor(KVGrpc.getDeleteRangeMethod(), one)).isEqualTo(RetryPolicy.Rule.GUARDED_DELETE);
        assertThat(RetryPolicy.ruleFor(KVGrpc.getDeleteRangeMethod(), prefix)).isEqualTo(RetryPolicy.Rule.AS_IS);
        assertThat(RetryPolicy.ruleFor(KVGrpc.getDeleteRangeMethod(), withPrevious)).isEqualTo(RetryPolicy.Rule.NEVER);
        assertThat(RetryPolicy.ruleFor(KVGrpc.getTxnMethod(), unguarded)).isEqualTo(RetryPolicy.Rule.NEVER);
        assertThat(RetryPolicy.ruleFor(KVGrpc.getTxnMethod(), guarded)).isEqualTo(RetryPolicy.Rule.AS_IS);
    }

    private static TxnResponse send(ManagedChannel channel, TxnRequest txn) {
        return ClientCalls.blockingUnaryCall(channel, KVGrpc.getTxnMethod(), CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), txn);
    }
}
