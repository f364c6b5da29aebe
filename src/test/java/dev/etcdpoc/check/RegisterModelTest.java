package dev.etcdpoc.check;

import static dev.etcdpoc.check.Calls.MS;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The register model (values, no revisions: a Redis string) on the shapes versus meets: a write lost in a
 * failover, and reads that go back to an older value while clients still reach the old primary. Each witness says
 * why in words that prove it.
 */
class RegisterModelTest {

    private static Operation call(int client, long from, long to, Request request, Response response) {
        return new Operation(client, from * MS, to == Long.MAX_VALUE ? to : to * MS, request, response);
    }

    private static KeyVerdict only(List<Operation> history) {
        LinearizabilityReport report = Linearizability.check(history, Model.REGISTER);
        assertThat(report.keys()).hasSize(1);
        return report.keys().get(0);
    }

    @Test
    void anAcknowledgedWriteGoneIsAViolation() {
        Operation set = call(1, 0, 1, new Request.Put("k", "a"), new Response.Ok());
        Operation read = call(2, 5, 6, new Request.Get("k"), new Response.Value(null));

        KeyVerdict key = only(List.of(set, read));

        assertThat(key.status()).isEqualTo(KeyVerdict.Status.NOT_LINEARIZABLE);
        assertThat(key.witness()).containsExactly(set, read);
        assertThat(key.reason()).isEqualTo("get returned nothing but put(k, a) completed before it began, and no delete could come "
            + "between (an acknowledged write lost)");
    }

    @Test
    void aDeleteThatMayHaveComeBetweenExplainsTheAbsence() {
        KeyVerdict key = only(List.of(
            call(1, 0, 1, new Request.Put("k", "a"), new Response.Ok()),
            call(3, 2, Long.MAX_VALUE, new Request.Delete("k"), Response.UNKNOWN),
            call(2, 5, 6, new Request.Get("k"), new Response.Value(null))));

        assertThat(key.status()).isEqualTo(KeyVerdict.Status.LINEARIZABLE);
    }

    /** As hardened Redis showed it: a read of the old primary's value, then of the new primary's older one. */
    @Test
    void aValueThatGoesBackIsAViolation() {
        Operation older = call(3, 0, 1, new Request.Put("k", "c3.1"), new Response.Ok());
        Operation newer = call(0, 2, Long.MAX_VALUE, new Request.Put("k", "c0.1"), Response.UNKNOWN);
        Operation sawNewer = call(2, 10, 11, new Request.Get("k"), new Response.Value("c0.1"));
        Operation sawOlder = call(3, 12, 13, new Request.Get("k"), new Response.Value("c3.1"));

        KeyVerdict key = only(List.of(older, newer, sawNewer, sawOlder));

        assertThat(key.status()).isEqualTo(KeyVerdict.Status.NOT_LINEARIZABLE);
        assertThat(key.witness()).containsExactlyInAnyOrder(older, newer, sawNewer, sawOlder);
        assertThat(key.reason()).isEqualTo("get returned c3.1 after a get had returned c0.1, written after every write of c3.1 had "
            + "completed: the value went back");
    }

    @Test
    void aValueMayBeWrittenTwiceAndACompareAndSetComparesValues() {
        KeyVerdict key = only(List.of(
            call(1, 0, 1, new Request.Put("k", "a"), new Response.Ok()),
            call(2, 2, 3, new Request.CompareAndSet("k", "a", "b"), new Response.Compared(true)),
            call(1, 4, 5, new Request.Put("k", "a"), new Response.Ok()),
            call(2, 6, 7, new Request.CompareAndSet("k", "b", "c"), new Response.Compared(false)),
            call(3, 8, 9, new Request.Get("k"), new Response.Value("a"))));

        assertThat(key.status()).isEqualTo(KeyVerdict.Status.LINEARIZABLE);
    }
}
