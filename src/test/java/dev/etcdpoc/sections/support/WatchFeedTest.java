package dev.etcdpoc.sections.support;

import static dev.etcdpoc.core.Bytes.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.etcdpoc.support.FaultyCluster;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.watch.WatchEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A watch whose member dies while it waits for an event etcd makes seconds later. */
@Tag("fault")
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class WatchFeedTest {
    /** Each try's deadline: the feed bears a failed stream's refusals for this long (an election's worth, at most). */
    private static final Duration DEADLINE = Duration.ofSeconds(1);
    /** Several deadlines: the expiry comes well after the feed has watched again on another member. */
    private static final long TTL_SECONDS = 5;
    private static final Pattern WATCHERS = Pattern.compile("(?m)^etcd_debugging_mvcc_watcher_total (\\d+)");

    @RegisterExtension
    final FaultyCluster cluster = FaultyCluster.perTest();

    @Test
    void aStreamWhoseMemberIsKilledIsTakenUpAndTheWaitForTheExpiryGoesOn() {
        try (Client client = cluster.client(DEADLINE)) {
            long lease = client.getLeaseClient().grant(TTL_SECONDS).orTimeout(5, TimeUnit.SECONDS).join().getID();
            long revision = put(client, lease, "up");
            try (WatchFeed feed = WatchFeed.key(client, bytes("feed/instance"), revision + 1, DEADLINE, cluster.members().size())) {
                put(client, lease, "still up");
                assertThat(feed.nextEvent("the second put").getEventType()).as("the event the feed's stream is live with")
                    .isEqualTo(WatchEvent.EventType.PUT);
                int member = memberWatching();
                cluster.kill(member);   // the stream ends at once; the expiry is seconds away still

                WatchEvent expiry = feed.nextEvent("the expiry", Duration.ofSeconds(TTL_SECONDS * 3));

                assertThat(expiry.getEventType()).as("the event after member %d was killed", member).isEqualTo(WatchEvent.EventType.DELETE);
            }
        }
    }

    private static long put(Client client, long lease, String value) {
        return client.getKVClient().put(bytes("feed/instance"), bytes(value), PutOption.builder().withLeaseId(lease).build())
            .orTimeout(5, TimeUnit.SECONDS).join().getHeader().getRevision();
    }

    /** The one member that counts a watcher: the feed's, live (no other client of the cluster watches). */
    private int memberWatching() {
        int[] watching = IntStream.range(0, cluster.members().size()).filter(i -> watchers(i) > 0).toArray();
        assertThat(watching).as("the members that count a watcher").hasSize(1);
        return watching[0];
    }

    /** Member {@code index}'s count of watchers, from its /metrics. */
    private int watchers(int index) {
        URI metrics = cluster.members().endpoint(index).uris().get(0).resolve("/metrics");
        try (InputStream in = metrics.toURL().openStream()) {
            Matcher m = WATCHERS.matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            return m.find() ? Integer.parseInt(m.group(1)) : 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
