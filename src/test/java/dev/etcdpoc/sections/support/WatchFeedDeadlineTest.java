package dev.etcdpoc.sections.support;

import static dev.etcdpoc.core.Bytes.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.etcdpoc.connect.ClientFactory;
import dev.etcdpoc.support.EtcdExtension;
import dev.etcdpoc.support.EtcdFixture;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.watch.WatchEvent;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A wait that ends at a deadline on a live watch stream (the lease section's wait for an expiry, deadline after
 * deadline while etcd's leader changes) ends empty, however close the deadline: a stream asked for progress just
 * before the deadline is not taken for a frozen member's because the rest of the wait was too short for its
 * answer. CI once saw "no answer, not even to a request for progress, on any of 3 watch streams" from a live
 * etcd 3.4 cluster this way: a wait under a millisecond ended at once and counted as unanswered.
 */
@ExtendWith(EtcdExtension.class)
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class WatchFeedDeadlineTest {
    private static final Duration DEADLINE = Duration.ofSeconds(5);

    @Test
    void aDeadlineWithinAMillisecondEndsTheWaitEmptyOnALiveStream(EtcdFixture etcd) {
        ByteSequence key = bytes("etcd-poc-test/feed-deadline/" + UUID.randomUUID());
        try (Client client = new ClientFactory(DEADLINE).create(etcd.endpoints());
             WatchFeed feed = WatchFeed.key(client, key, revision(client, key) + 1, DEADLINE, 1)) {
            for (int micros = 0; micros < 2000; micros += 10) {
                long deadline = System.nanoTime() + TimeUnit.MICROSECONDS.toNanos(micros);
                int at = micros;

                assertThatCode(() -> assertThat(feed.nextEventBefore("nothing", deadline)).as("%d µs ahead", at).isEmpty())
                    .as("a wait for %d µs on a live stream of one member", micros).doesNotThrowAnyException();
            }
            client.getKVClient().put(key, bytes("after")).orTimeout(5, TimeUnit.SECONDS).join();
            Optional<WatchEvent> event = feed.nextEventBefore("the put", System.nanoTime() + DEADLINE.toNanos());
            assertThat(event).as("the stream the waits left behind still delivers").hasValueSatisfying(e ->
                assertThat(e.getKeyValue().getValue()).isEqualTo(bytes("after")));
            client.getKVClient().delete(key).orTimeout(5, TimeUnit.SECONDS).join();
        }
    }

    private static long revision(Client client, ByteSequence key) {
        return client.getKVClient().get(key).orTimeout(5, TimeUnit.SECONDS).join().getHeader().getRevision();
    }
}
