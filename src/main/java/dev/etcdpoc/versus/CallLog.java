package dev.etcdpoc.versus;

import java.util.ArrayList;
import java.util.List;

/** Every register call the clients of one system made, as they recorded it. */
final class CallLog {
    private final List<RegisterCall> calls = new ArrayList<>();

    synchronized void add(RegisterCall call) {
        calls.add(call);
    }

    synchronized List<RegisterCall> calls() {
        return List.copyOf(calls);
    }
}
