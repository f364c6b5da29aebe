package dev.etcdpoc.core;

import io.etcd.jetcd.ByteSequence;
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
}
