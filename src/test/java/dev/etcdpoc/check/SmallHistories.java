package dev.etcdpoc.check;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * Tiny random histories for the differential test: 1-3 keys, 3-4 clients, 4-9 calls, with failed and
 * unanswered calls (and, for etcd, two-key transactions). Valid ones come from simulating the store:
 * each call takes effect at a random instant between its invocation and its answer (an unanswered one
 * some time after its invocation, or never), and etcd's revision sometimes jumps (other writers).
 * Mutated ones are a valid one with one thing changed: a value or revision read, a revision written, an
 * outcome, a call's times, a compare's or delete's answer.
 */
final class SmallHistories {

    /** Times are whole milliseconds, often equal: equal times count as overlapping. */
    private static final long MS = 1_000_000;

    private final Random random;
    private final boolean etcd;
    private final int keys;

    private SmallHistories(Random random, boolean etcd) {
        this.random = random;
        this.etcd = etcd;
        this.keys = random.nextInt(100) < 30 ? 1 : random.nextInt(100) < 80 ? 2 : 3;
    }

    static List<Operation> etcd(Random random) {
        return new SmallHistories(random, true).simulate();
    }

    static List<Operation> register(Random random) {
        return new SmallHistories(random, false).simulate();
    }

    /** A valid history with one thing changed (which may or may not break it). */
    static List<Operation> mutated(Random random, List<Operation> valid) {
        for (int attempt = 0; attempt < 20; attempt++) {
            try {
                List<Operation> changed = mutate(random, valid);
                if (!changed.equals(valid)) {
                    return changed;
                }
            } catch (IllegalArgumentException invalid) {
                // The change made an answer that cannot be an answer at all (a mod revision above its header): try another.
            }
        }
        return valid;
    }

    // --- simulation ----------------------------------------------------------------------------------

    private record Planned(int client, long invoked, long effect, long completed, Operation.Outcome outcome, String key,
                           boolean txn) {
    }

    private final Map<String, String> values = new HashMap<>();
    private final Map<String, Long> modRevisions = new HashMap<>();
    private long revision = 1;
    private int written;

    private List<Operation> simulate() {
        List<String> keyNames = new ArrayList<>();
        for (int k = 0; k < keys; k++) {
            keyNames.add("k" + k);
        }
        int clients = 3 + random.nextInt(2);
        int calls = 4 + random.nextInt(6);
        long[] free = new long[clients];
        for (int c = 0; c < clients; c++) {
            free[c] = random.nextInt(4);
        }
        List<Planned> plan = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            int client = random.nextInt(clients);
            long invoked = free[client];
            int roll = random.nextInt(100);
            Operation.Outcome outcome = roll < 70 ? Operation.Outcome.OK : roll < 82 ? Operation.Outcome.FAILED
                : Operation.Outcome.UNKNOWN;
            long completed = invoked + random.nextInt(7);
            long effect = invoked + random.nextInt((int) (completed - invoked) + 1);
            if (outcome == Operation.Outcome.UNKNOWN) {
                effect = random.nextInt(100) < 60 ? invoked + random.nextInt(20) : Long.MAX_VALUE;
                completed = Long.MAX_VALUE;
                free[client] = invoked + 5 + random.nextInt(4);
            } else {
                if (outcome == Operation.Outcome.FAILED) {
                    effect = Long.MAX_VALUE;
                }
                free[client] = completed + 1 + random.nextInt(3);
            }
            boolean txn = etcd && keys > 1 && random.nextInt(100) < 15;
            plan.add(new Planned(client, invoked, effect, completed, outcome, keyNames.get(random.nextInt(keys)), txn));
        }
        return run(plan, keyNames, clients);
    }

    /** Invocations in time order decide the requests (a cas expects what its client last saw); effects decide answers. */
    private List<Operation> run(List<Planned> plan, List<String> keyNames, int clients) {
        List<Map<String, Long>> seenModRevision = new ArrayList<>();
        List<Map<String, String>> seenValue = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            seenModRevision.add(new HashMap<>());
            seenValue.add(new HashMap<>());
        }
        // Event kinds in time order at one instant: completions (a client learns), invocations, effects.
        record Event(long at, int order, int call) {
        }
        PriorityQueue<Event> events = new PriorityQueue<>(Comparator.comparingLong(Event::at).thenComparingInt(Event::order));
        for (int i = 0; i < plan.size(); i++) {
            events.add(new Event(plan.get(i).invoked(), 1, i));
        }
        List<List<Request>> requests = new ArrayList<>();
        Response[] answers = new Response[plan.size()];
        for (int i = 0; i < plan.size(); i++) {
            requests.add(null);
        }
        while (!events.isEmpty()) {
            Event event = events.poll();
            Planned p = plan.get(event.call());
            if (event.order() == 1) {
                requests.set(event.call(), requests(p, keyNames, seenModRevision.get(p.client()), seenValue.get(p.client())));
                if (p.effect() != Long.MAX_VALUE) {
                    events.add(new Event(p.effect(), 2, event.call()));
                }
                if (p.outcome() == Operation.Outcome.OK) {
                    events.add(new Event(p.completed(), 0, event.call()));
                }
            } else if (event.order() == 2) {
                answers[event.call()] = apply(requests.get(event.call()));
            } else {
                learn(requests.get(event.call()), answers[event.call()], seenModRevision.get(p.client()),
                    seenValue.get(p.client()));
            }
        }
        List<Operation> history = new ArrayList<>();
        for (int i = 0; i < plan.size(); i++) {
            Planned p = plan.get(i);
            List<Request> call = requests.get(i);
            long txn = call.size() > 1 ? i + 1 : 0;
            for (Request request : call) {
                Response response = switch (p.outcome()) {
                    case OK -> answers[i];
                    case FAILED -> Response.FAILED;
                    case UNKNOWN -> Response.UNKNOWN;
                };
                long completed = p.completed() == Long.MAX_VALUE ? Long.MAX_VALUE : p.completed() * MS;
                history.add(new Operation(p.client(), p.invoked() * MS, completed, request, response, txn));
            }
        }
        return history;
    }

    private List<Request> requests(Planned p, List<String> keyNames, Map<String, Long> seenModRevision,
                                   Map<String, String> seenValue) {
        String key = p.key();
        if (p.txn()) {
            String other = keyNames.get((keyNames.indexOf(key) + 1 + random.nextInt(keys - 1)) % keys);
            return List.of(new Request.Put(key, "v" + ++written), new Request.Put(other, "v" + ++written));
        }
        int roll = random.nextInt(100);
        if (roll < 35) {
            return List.of(new Request.Get(key));
        }
        if (roll < 60) {
            return List.of(new Request.Put(key, newValue()));
        }
        if (roll < 80) {
            if (etcd) {
                long expected = random.nextInt(100) < 80 ? seenModRevision.getOrDefault(key, 0L) : random.nextInt((int) revision + 2);
                return List.of(new Request.Cas(key, expected, newValue()));
            }
            String expected = random.nextInt(100) < 70 ? seenValue.get(key) : randomValue();
            return List.of(new Request.CompareAndSet(key, expected, newValue()));
        }
        return List.of(new Request.Delete(key));
    }

    /** etcd: every value new; a register: a few values, written again and again. */
    private String newValue() {
        return etcd ? "v" + ++written : String.valueOf((char) ('a' + random.nextInt(3)));
    }

    /** A register's value, or none (absent). */
    private String randomValue() {
        return random.nextInt(4) == 3 ? null : newValue();
    }

    private Response apply(List<Request> call) {
        Request first = call.get(0);
        String key = first.key();
        String value = values.get(key);
        long modRevision = modRevisions.getOrDefault(key, 0L);
        if (first instanceof Request.Get) {
            return etcd ? new Response.Read(value, value == null ? 0 : modRevision, revision) : new Response.Value(value);
        }
        if (first instanceof Request.Delete) {
            if (value == null) {
                return etcd ? new Response.Deleted(0, revision) : new Response.Removed(0);
            }
            values.remove(key);
            modRevisions.remove(key);
            return etcd ? new Response.Deleted(1, nextRevision()) : new Response.Removed(1);
        }
        if (first instanceof Request.Cas cas) {
            if (cas.expectedModRevision() != (value == null ? 0 : modRevision)) {
                return new Response.Swapped(false, revision);
            }
            long r = nextRevision();
            store(key, cas.newValue(), r);
            return new Response.Swapped(true, r);
        }
        if (first instanceof Request.CompareAndSet cas) {
            boolean holds = Objects.equals(cas.expectedValue(), value);
            if (holds) {
                store(key, cas.newValue(), 0);
            }
            return new Response.Compared(holds);
        }
        long r = etcd ? nextRevision() : 0;
        for (Request request : call) {
            store(request.key(), ((Request.Put) request).value(), r);
        }
        return etcd ? new Response.Written(r) : new Response.Ok();
    }

    private void store(String key, String value, long modRevision) {
        values.put(key, value);
        modRevisions.put(key, modRevision);
    }

    /** The next change's revision: one more, and sometimes more than that, as if another client had written. */
    private long nextRevision() {
        revision += 1 + (random.nextInt(100) < 15 ? 1 + random.nextInt(2) : 0);
        return revision;
    }

    private static void learn(List<Request> call, Response answer, Map<String, Long> seenModRevision,
                              Map<String, String> seenValue) {
        for (Request request : call) {
            String key = request.key();
            if (answer instanceof Response.Read read) {
                seenModRevision.put(key, read.modRevision());
            } else if (answer instanceof Response.Written w) {
                seenModRevision.put(key, w.revision());
            } else if (answer instanceof Response.Swapped s && s.succeeded()) {
                seenModRevision.put(key, s.revision());
            } else if (answer instanceof Response.Deleted d && d.count() == 1) {
                seenModRevision.put(key, 0L);
            } else if (answer instanceof Response.Value v) {
                seenValue.put(key, v.value());
            } else if (request instanceof Request.Put put && answer instanceof Response.Ok) {
                seenValue.put(key, put.value());
            } else if (request instanceof Request.CompareAndSet cas && answer instanceof Response.Compared c && c.succeeded()) {
                seenValue.put(key, cas.newValue());
            }
        }
    }

    // --- mutation ------------------------------------------------------------------------------------

    private static List<Operation> mutate(Random random, List<Operation> valid) {
        // A transaction's operations change together: they are one call.
        Map<Long, List<Integer>> calls = new LinkedHashMap<>();
        for (int i = 0; i < valid.size(); i++) {
            long txn = valid.get(i).txn();
            calls.computeIfAbsent(txn == 0 ? -1 - i : txn, t -> new ArrayList<>()).add(i);
        }
        List<List<Integer>> all = new ArrayList<>(calls.values());
        List<Integer> call = all.get(random.nextInt(all.size()));
        // Mostly the changes that tend to break a history: a value read, an answer flipped.
        int kind = new int[] {0, 0, 0, 5, 5, 1, 1, 6, 2, 3, 4}[random.nextInt(11)];
        int delta = (random.nextBoolean() ? 1 : -1) * (1 + random.nextInt(2));
        boolean toUnknown = random.nextBoolean();
        List<Operation> changed = new ArrayList<>(valid);
        for (int i : call) {
            Operation op = valid.get(i);
            Response response = op.response();
            Response newResponse = response;
            long invoked = op.invoked();
            long completed = op.completed();
            switch (kind) {
                case 0 -> newResponse = otherValue(random, valid, op);
                case 1 -> newResponse = otherRevision(response, delta, random);
                case 2 -> {
                    if (op.outcome() == Operation.Outcome.OK) {
                        newResponse = toUnknown ? Response.UNKNOWN : Response.FAILED;
                        completed = newResponse == Response.UNKNOWN ? Long.MAX_VALUE : completed;
                    } else if (op.outcome() == Operation.Outcome.UNKNOWN) {
                        newResponse = Response.FAILED;
                        completed = invoked + 3 * MS;
                    }
                }
                case 3 -> {
                    invoked = Math.max(0, invoked + delta * 2 * MS);
                    completed = completed == Long.MAX_VALUE ? completed : Math.max(invoked, completed + delta * 2 * MS);
                }
                case 4 -> completed = completed == Long.MAX_VALUE ? completed : Math.max(invoked, completed + delta * MS);
                case 5 -> newResponse = flipped(response);
                default -> newResponse = otherModRevision(response, delta);
            }
            changed.set(i, new Operation(op.client(), invoked, completed, op.request(), newResponse, op.txn()));
        }
        return changed;
    }

    private static Response otherValue(Random random, List<Operation> history, Operation op) {
        List<String> written = new ArrayList<>();
        for (Operation other : history) {
            if (other.writtenValue() != null) {
                written.add(other.writtenValue());
            }
        }
        String value = written.isEmpty() || random.nextInt(4) == 0 ? null : written.get(random.nextInt(written.size()));
        if (op.response() instanceof Response.Read read) {
            long modRevision = value == null ? 0 : 2 + random.nextInt((int) Math.max(1, read.revision()));
            return new Response.Read(value, modRevision, Math.max(read.revision(), modRevision));
        }
        return op.response() instanceof Response.Value ? new Response.Value(value) : op.response();
    }

    private static Response otherRevision(Response response, int delta, Random random) {
        if (response instanceof Response.Written w) {
            return new Response.Written(Math.max(0, w.revision() + delta));
        }
        if (response instanceof Response.Read r) {
            return new Response.Read(r.value(), r.modRevision(), Math.max(r.modRevision(), r.revision() + delta));
        }
        if (response instanceof Response.Deleted d) {
            return new Response.Deleted(d.count(), Math.max(0, d.revision() + delta));
        }
        if (response instanceof Response.Swapped s) {
            return new Response.Swapped(s.succeeded(), Math.max(0, s.revision() + delta));
        }
        return response;
    }

    private static Response otherModRevision(Response response, int delta) {
        if (response instanceof Response.Read r && r.value() != null) {
            long modRevision = Math.max(1, r.modRevision() + delta);
            return new Response.Read(r.value(), modRevision, Math.max(modRevision, r.revision()));
        }
        return response;
    }

    private static Response flipped(Response response) {
        if (response instanceof Response.Swapped s) {
            return new Response.Swapped(!s.succeeded(), s.revision());
        }
        if (response instanceof Response.Compared c) {
            return new Response.Compared(!c.succeeded());
        }
        if (response instanceof Response.Deleted d) {
            return new Response.Deleted(1 - d.count(), d.revision());
        }
        return response instanceof Response.Removed r ? new Response.Removed(1 - r.count()) : response;
    }
}
