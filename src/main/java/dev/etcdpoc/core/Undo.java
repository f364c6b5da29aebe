package dev.etcdpoc.core;

/**
 * Something to undo when a block ends, however it ends: {@code try (Undo u = () -> ...) {...}}.
 * Unlike a finally block, an undo that fails too (etcd gone) cannot hide why the block failed:
 * try-with-resources keeps the first failure and attaches the undo's as suppressed.
 */
@FunctionalInterface
public interface Undo extends AutoCloseable {
    @Override
    void close();
}
