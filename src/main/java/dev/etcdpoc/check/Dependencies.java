package dev.etcdpoc.check;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which of some calls rest on which ({@link Semantics#restsOn}), by their numbers in a list: a witness
 * keeps a call together with what it rests on, so it never blames a read for a value whose writer was
 * left out.
 */
final class Dependencies {

    private final List<int[]> restsOn = new ArrayList<>();
    private final List<List<Integer>> dependents = new ArrayList<>();

    Dependencies(List<Operation> ops, Semantics semantics) {
        Map<Operation, Integer> number = new IdentityHashMap<>();
        for (int i = 0; i < ops.size(); i++) {
            number.put(ops.get(i), i);
            dependents.add(new ArrayList<>());
        }
        for (int i = 0; i < ops.size(); i++) {
            int[] on = semantics.restsOn(ops.get(i)).stream().filter(number::containsKey).mapToInt(number::get).toArray();
            restsOn.add(on);
            for (int j : on) {
                dependents.get(j).add(i);
            }
        }
    }

    /** Adds to {@code calls} every call a member rests on, transitively. */
    void close(BitSet calls) {
        Deque<Integer> todo = new ArrayDeque<>();
        calls.stream().forEach(todo::add);
        while (!todo.isEmpty()) {
            for (int on : restsOn.get(todo.pop())) {
                if (!calls.get(on)) {
                    calls.set(on);
                    todo.add(on);
                }
            }
        }
    }

    /** Takes {@code call} out of {@code calls} with every member that rests on it, transitively. */
    void remove(BitSet calls, int call) {
        Deque<Integer> todo = new ArrayDeque<>(List.of(call));
        while (!todo.isEmpty()) {
            int next = todo.pop();
            if (calls.get(next)) {
                calls.clear(next);
                todo.addAll(dependents.get(next));
            }
        }
    }
}
