package dev.etcdpoc.bench;

import java.util.Arrays;
import java.util.stream.Collectors;

/** What one benchmark request is. */
public enum BenchOp {
    /** one put of a new key (while the key space lasts) */
    PUT,
    /** one get of an existing key; linearizable unless --serializable */
    GET,
    /** one transaction: a compare on the key's version, then a put — the shape of a compare-and-swap */
    TXN,
    /** one put, answered when a watcher on bench/ receives its event: put-to-event latency */
    WATCH;

    public String label() {
        return name().toLowerCase();
    }

    /** The op named {@code text}; throws IllegalArgumentException with a user-facing message. */
    public static BenchOp parse(String text) {
        for (BenchOp op : values()) {
            if (op.label().equals(text.trim().toLowerCase())) {
                return op;
            }
        }
        throw new IllegalArgumentException("unknown op '" + text + "'; valid ops: " + labels());
    }

    public static String labels() {
        return Arrays.stream(values()).map(BenchOp::label).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return label();
    }
}
