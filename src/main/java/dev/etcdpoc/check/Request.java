package dev.etcdpoc.check;

import java.util.Locale;
import java.util.Objects;

/**
 * What a client asked a store to do, always to one key. {@link #text()} says how it is printed in a
 * witness line. Put, Get and Delete are asked of either model; {@link Cas} compares etcd's mod revision,
 * {@link CompareAndSet} a plain register's value.
 */
public sealed interface Request {

    /** The one key the request reads or writes. */
    String key();

    /** One short line, such as {@code put(k, v7)}; unless a kind says more, its name and the key: {@code get(k)}. */
    default String text() {
        return getClass().getSimpleName().toLowerCase(Locale.ROOT) + "(" + key() + ")";
    }

    /** Writes {@code value} to {@code key}. */
    record Put(String key, String value) implements Request {
        public Put {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }

        @Override
        public String text() {
            return "put(" + key + ", " + value + ")";
        }
    }

    /** Reads {@code key}. */
    record Get(String key) implements Request {
        public Get {
            Objects.requireNonNull(key, "key");
        }
    }

    /** Deletes {@code key}. */
    record Delete(String key) implements Request {
        public Delete {
            Objects.requireNonNull(key, "key");
        }
    }

    /**
     * etcd's {@code Txn().If(modRevision(key) == expectedModRevision).Then(put(key, newValue))}.
     * An expected revision of 0 means "the key does not exist", as in etcd.
     */
    record Cas(String key, long expectedModRevision, String newValue) implements Request {
        public Cas {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(newValue, "newValue");
            if (expectedModRevision < 0) {
                throw new IllegalArgumentException("expected mod revision " + expectedModRevision + " is negative");
            }
        }

        @Override
        public String text() {
            return "cas(" + key + ", if rev " + expectedModRevision + " then " + newValue + ")";
        }
    }

    /**
     * A register's compare-and-set: writes {@code newValue} if the key holds {@code expectedValue} ({@code null}:
     * if the key is absent). Values are compared, so a value written more than once matches each time.
     */
    record CompareAndSet(String key, String expectedValue, String newValue) implements Request {
        public CompareAndSet {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(newValue, "newValue");
        }

        @Override
        public String text() {
            return "cas(" + key + ", if " + (expectedValue == null ? "absent" : expectedValue) + " then " + newValue + ")";
        }
    }
}
