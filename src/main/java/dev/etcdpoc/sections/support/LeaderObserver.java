package dev.etcdpoc.sections.support;

import static dev.etcdpoc.core.Bytes.bytes;
import static dev.etcdpoc.core.Bytes.text;

import dev.etcdpoc.core.Await;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Who leads an election, as it changes, without campaigning. etcd's election queues each candidate's
 * key under {@code NAME/} and the oldest key leads, so the observer watches {@code NAME/} and, after
 * each change, reads which key is oldest now. On a {@link WatchFeed}: it resumes, missing nothing,
 * when its member dies, freezes or loses its leader — where jetcd's {@code observe()} keeps one stream
 * on one member and cannot even be closed (jetcd 0.8.7).
 */
public final class LeaderObserver implements AutoCloseable {
    private final Client client;
    private final String name;
    private final Duration timeout;
    private final WatchFeed changes;

    private LeaderObserver(Client client, String name, long fromRevision, Duration timeout) {
        this.client = client;
        this.name = name;
        this.timeout = timeout;
        this.changes = WatchFeed.prefix(client, bytes(name + "/"), fromRevision, timeout);
    }

    /** Observes election {@code name} from {@code fromRevision} on: every change at or after it is seen. */
    public static LeaderObserver start(Client client, String name, long fromRevision, Duration timeout) {
        return new LeaderObserver(client, name, fromRevision, timeout);
    }

    /**
     * The value the leader proclaims, at the next change of leader: the first leader seen that is not
     * {@code previous} (null: no leader yet). Changes that keep the leader (a candidate joining the queue)
     * are passed over.
     */
    public String nextLeader(String previous) {
        while (true) {
            changes.nextEvent("observing " + name);
            String leader = leader();
            if (leader != null && !Objects.equals(leader, previous)) {
                return leader;
            }
        }
    }

    /** The oldest candidate's value now, or null when nobody campaigns. */
    private String leader() {
        GetOption oldestFirst = GetOption.builder().isPrefix(true).withLimit(1)
            .withSortField(GetOption.SortTarget.CREATE).withSortOrder(GetOption.SortOrder.ASCEND).build();
        List<KeyValue> oldest = Await.result(client.getKVClient().get(bytes(name + "/"), oldestFirst), timeout,
            "GET " + name + "/ (the leader)").getKvs();
        return oldest.isEmpty() ? null : text(oldest.get(0).getValue());
    }

    @Override
    public void close() {
        changes.close();
    }
}
