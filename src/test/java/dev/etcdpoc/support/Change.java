package dev.etcdpoc.support;

import static dev.etcdpoc.core.Bytes.text;

import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.watch.WatchEvent;

/** One change etcd stored, as a watch reported it. {@code createRevision} and {@code lease} are 0 for a delete. */
public record Change(boolean isPut, String key, String value, long revision, long createRevision, long lease) {

    static Change of(WatchEvent event) {
        KeyValue kv = event.getKeyValue();
        return new Change(event.getEventType() == WatchEvent.EventType.PUT, text(kv.getKey()), text(kv.getValue()),
            kv.getModRevision(), kv.getCreateRevision(), kv.getLease());
    }

    public boolean isDeleteOf(String k) {
        return !isPut && key.equals(k);
    }

    @Override
    public String toString() {
        return (isPut ? "PUT " + key + " = " + value : "DELETE " + key) + " @" + revision;
    }
}
