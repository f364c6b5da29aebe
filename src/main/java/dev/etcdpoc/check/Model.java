package dev.etcdpoc.check;

import java.util.List;
import java.util.Optional;

/**
 * What a history is checked against: the semantics of a store. Two are given: {@link #ETCD}, etcd's keys
 * with one revision sequence for the whole store, and {@link #REGISTER}, plain registers without
 * revisions (such as Redis's strings). Each accepts its own kinds of answers: etcd's carry revisions
 * ({@link Response.Written}, {@link Response.Read}, {@link Response.Deleted}, {@link Response.Swapped}),
 * a register's do not ({@link Response.Ok}, {@link Response.Value}, {@link Response.Removed},
 * {@link Response.Compared}). The search, the witnesses and the reports know nothing else of the store.
 */
public abstract class Model {

    /** etcd: revisions are one sequence for the whole store; keys are checked alone and together. */
    public static final Model ETCD = new EtcdModel();
    /** Plain registers: reads answer values, compare-and-set compares values; each key alone decides. */
    public static final Model REGISTER = new RegisterModel();

    Model() {
    }

    /** How the command line names it: {@code etcd}, {@code register}. */
    public abstract String name();

    /** The model a command line names, if any. */
    public static Optional<Model> named(String name) {
        return List.of(ETCD, REGISTER).stream().filter(m -> m.name().equals(name)).findFirst();
    }

    /**
     * Why this model cannot check {@code op} (a request or an answer of another store's kind), in words;
     * empty when it can.
     */
    abstract Optional<String> refusal(Operation op);

    /**
     * The model applied to one history.
     *
     * @throws IllegalArgumentException when the history cannot be checked with it, in one line
     */
    abstract Semantics semantics(List<Operation> history);

    @Override
    public String toString() {
        return name();
    }
}
