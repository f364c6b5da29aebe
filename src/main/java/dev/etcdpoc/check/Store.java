package dev.etcdpoc.check;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The state of every key a search touches, one entry per key, by number: immutable, compared by value
 * (the search's memo holds it).
 */
final class Store {
    private final Object[] keys;
    private final int hash;

    private Store(Object[] keys) {
        this.keys = keys;
        this.hash = Arrays.hashCode(keys);
    }

    /** {@code size} keys, each {@code initial}. */
    static Store of(int size, Object initial) {
        Object[] keys = new Object[size];
        Arrays.fill(keys, initial);
        return new Store(keys);
    }

    /** Numbers for the keys of {@code calls}, in the order they first appear. */
    static Map<String, Integer> number(List<Call> calls) {
        Map<String, Integer> index = new HashMap<>();
        for (Call call : calls) {
            for (Operation op : call.ops()) {
                index.putIfAbsent(op.key(), index.size());
            }
        }
        return index;
    }

    @SuppressWarnings("unchecked")
    <T> T get(int key) {
        return (T) keys[key];
    }

    /** The same store with key {@code changed[i]} set to {@code values[i]}. */
    Store with(int[] changed, Object[] values) {
        Object[] copy = keys.clone();
        for (int i = 0; i < changed.length; i++) {
            copy[changed[i]] = values[i];
        }
        return new Store(copy);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Store s && s.hash == hash && Arrays.equals(s.keys, keys);
    }

    @Override
    public int hashCode() {
        return hash;
    }
}
