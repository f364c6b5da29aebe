package dev.etcdpoc.check;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * Linearizable histories made by simulating clients against a one-node etcd: each call takes effect at
 * a random point between its invocation and its completion, in one global revision sequence. A small
 * share of calls fails before taking effect, and a small share loses its answer (taking effect or not,
 * at random); a client that lost an answer moves on after a timeout. The calls still in flight at the
 * end are recorded without an answer.
 */
final class SimulatedHistory {

    private record Stored(String value, long modRevision) {
    }

    /** A client's call in flight: at {@code at} it takes effect (or not), or its answer arrives ({@code completes}). */
    private record Event(long at, int client, boolean completes) {
    }

    private final Random random;
    private final int keys;
    private final double unknownRate;
    private final double failedRate;
    private final Map<String, Stored> store = new HashMap<>();
    private final List<Map<String, Long>> lastSeen = new ArrayList<>();
    private final Request[] pending;
    /** The second put of a client's transaction in flight; null when its call is not one. */
    private final Request[] pendingSecond;
    private final int txnPercent;
    private long txns;
    private final long[] invokedAt;
    private final Response[] answers;
    private long revision = 1;
    private int values;

    private SimulatedHistory(long seed, int keys, int clients, double unknownRate, double failedRate, double txnRate) {
        this.random = new Random(seed);
        this.txnPercent = (int) Math.round(txnRate * 100);
        this.pendingSecond = new Request[clients];
        this.keys = keys;
        this.unknownRate = unknownRate;
        this.failedRate = failedRate;
        this.pending = new Request[clients];
        this.invokedAt = new long[clients];
        this.answers = new Response[clients];
        for (int c = 0; c < clients; c++) {
            lastSeen.add(new HashMap<>());
        }
    }

    /** {@code operations} calls by {@code clients} clients on keys k0..k(keys-1). */
    static List<Operation> generate(long seed, int operations, int keys, int clients, double unknownRate,
                                    double failedRate) {
        return generate(seed, operations, keys, clients, unknownRate, failedRate, 0);
    }

    /** As above, with a share {@code txnRate} of the calls two-key transactions (each recorded as two operations). */
    static List<Operation> generate(long seed, int operations, int keys, int clients, double unknownRate,
                                    double failedRate, double txnRate) {
        return new SimulatedHistory(seed, keys, clients, unknownRate, failedRate, txnRate).run(operations);
    }

    private List<Operation> run(int operations) {
        List<Operation> history = new ArrayList<>();
        PriorityQueue<Event> events = new PriorityQueue<>((a, b) -> Long.compare(a.at(), b.at()));
        for (int c = 0; c < pending.length; c++) {
            events.add(invoke(c, random.nextInt(100_000)));
        }
        // Each client has a call in flight at all times; the last ones are recorded without an answer.
        while (history.size() < operations - pending.length) {
            Event event = events.poll();
            int c = event.client();
            if (!event.completes()) {
                answers[c] = takeEffect(c);
                events.add(new Event(event.at() + micros(20, 500), c, true));
                continue;
            }
            boolean lost = answers[c] == Response.UNKNOWN;
            learn(c, pending[c].key(), answers[c]);
            long txn = pendingSecond[c] == null ? 0 : ++txns;
            history.add(new Operation(c, invokedAt[c], lost ? Long.MAX_VALUE : event.at(), pending[c], answers[c], txn));
            if (pendingSecond[c] != null) {
                learn(c, pendingSecond[c].key(), answers[c]);
                history.add(new Operation(c, invokedAt[c], lost ? Long.MAX_VALUE : event.at(), pendingSecond[c], answers[c], txn));
            }
            // A client whose answer was lost waits out its timeout before the next call.
            events.add(invoke(c, event.at() + (lost ? micros(2000, 3000) : micros(0, 200))));
        }
        for (int c = 0; c < pending.length; c++) {
            long txn = pendingSecond[c] == null ? 0 : ++txns;
            history.add(new Operation(c, invokedAt[c], Long.MAX_VALUE, pending[c], Response.UNKNOWN, txn));
            if (pendingSecond[c] != null) {
                history.add(new Operation(c, invokedAt[c], Long.MAX_VALUE, pendingSecond[c], Response.UNKNOWN, txn));
            }
        }
        return history;
    }

    /** What a client knows of a key's mod revision comes from the answers it got (its next cas expects it). */
    private void learn(int client, String key, Response answer) {
        if (answer instanceof Response.Read read) {
            lastSeen.get(client).put(key, read.modRevision());
        } else if (answer instanceof Response.Written written) {
            lastSeen.get(client).put(key, written.revision());
        } else if (answer instanceof Response.Swapped swapped && swapped.succeeded()) {
            lastSeen.get(client).put(key, swapped.revision());
        }
    }

    private Event invoke(int client, long at) {
        pendingSecond[client] = null;
        pending[client] = nextRequest(client);
        invokedAt[client] = at;
        return new Event(at + micros(20, 500), client, false);
    }

    private Request nextRequest(int client) {
        String key = "k" + random.nextInt(keys);
        int kind = random.nextInt(100);
        if (kind < txnPercent && keys > 1) {
            int other = (Integer.parseInt(key.substring(1)) + 1 + random.nextInt(keys - 1)) % keys;
            pendingSecond[client] = new Request.Put("k" + other, "v" + values++);
            return new Request.Put(key, "v" + values++);
        }
        if (kind < 40) {
            return new Request.Put(key, "v" + values++);
        }
        if (kind < 75) {
            return new Request.Get(key);
        }
        if (kind < 90) {
            return new Request.Cas(key, lastSeen.get(client).getOrDefault(key, 0L), "v" + values++);
        }
        return new Request.Delete(key);
    }

    private Response takeEffect(int client) {
        double roll = random.nextDouble();
        if (roll < failedRate) {
            return Response.FAILED;
        }
        if (roll < failedRate + unknownRate) {
            if (random.nextBoolean()) {
                apply(client);
            }
            return Response.UNKNOWN;
        }
        return apply(client);
    }

    private Response apply(int client) {
        if (pendingSecond[client] == null) {
            return apply(pending[client]);
        }
        revision++;
        for (Request put : List.of(pending[client], pendingSecond[client])) {
            store.put(put.key(), new Stored(((Request.Put) put).value(), revision));
        }
        return new Response.Written(revision);
    }

    private Response apply(Request request) {
        String key = request.key();
        Stored current = store.get(key);
        long modRevision = current == null ? 0 : current.modRevision();
        if (request instanceof Request.Get) {
            return new Response.Read(current == null ? null : current.value(), modRevision, revision);
        }
        if (request instanceof Request.Put put) {
            store.put(key, new Stored(put.value(), ++revision));
            return new Response.Written(revision);
        }
        if (request instanceof Request.Delete) {
            if (current == null) {
                return new Response.Deleted(0, revision);
            }
            store.remove(key);
            return new Response.Deleted(1, ++revision);
        }
        Request.Cas cas = (Request.Cas) request;
        if (modRevision != cas.expectedModRevision()) {
            return new Response.Swapped(false, revision);
        }
        store.put(key, new Stored(cas.newValue(), ++revision));
        return new Response.Swapped(true, revision);
    }

    private long micros(int from, int to) {
        return (from + random.nextInt(to - from)) * 1000L;
    }
}
