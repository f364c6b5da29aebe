package dev.etcdpoc.connect;

import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import java.util.function.BiConsumer;

/** A unary gRPC call made by hand, below jetcd's stubs: one request, and its answer or status to {@code done}. */
final class OneAnswer {
    private OneAnswer() {
    }

    /** Starts {@code call} with {@code message}; {@code done} gets the status and, when it is OK, the answer (else null). */
    static <Q, R> void send(ClientCall<Q, R> call, Metadata headers, Q message, BiConsumer<Status, R> done) {
        call.start(new ClientCall.Listener<R>() {
            private R answer;

            @Override
            public void onMessage(R message) {
                answer = message;
            }

            @Override
            public void onClose(Status status, Metadata trailers) {
                done.accept(status, status.isOk() ? answer : null);
            }
        }, headers);
        call.request(1);
        call.sendMessage(message);
        call.halfClose();
    }
}
