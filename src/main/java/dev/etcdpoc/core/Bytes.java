package dev.etcdpoc.core;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.kv.GetResponse;
import java.nio.charset.StandardCharsets;

/** etcd stores bytes; the demo speaks UTF-8 text. */
public final class Bytes {
    private Bytes() {
    }

    public static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }

    public static String text(ByteSequence bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** The value a get of one key found, as text, or "" when the key does not exist (the response then holds no KeyValue). */
    public static String value(GetResponse response) {
        return response.getKvs().isEmpty() ? "" : text(response.getKvs().get(0).getValue());
    }
}
