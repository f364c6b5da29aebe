package dev.etcdpoc.sections.support;

import dev.etcdpoc.core.DemoFailure;
import dev.etcdpoc.core.Durations;
import dev.etcdpoc.core.Failures;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * What a jetcd stream (a watch, an election observer) delivers, handed in order to the section's
 * thread, each with a bounded wait. jetcd calls listeners on its own threads; printing from there
 * would interleave with the section's other lines, so the section takes arrivals here and prints them itself.
 */
public final class StreamInbox<T> {
    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final Class<T> type;
    private final String stream;

    /** {@code stream} names the source in failure messages, e.g. "watch". */
    public StreamInbox(Class<T> type, String stream) {
        this.type = type;
        this.stream = stream;
    }

    /** Called by jetcd's listener for each item. */
    public void add(T item) {
        queue.add(item);
    }

    /** Called by jetcd's listener when the stream fails; the next {@link #next} throws it. */
    public void fail(Throwable failure) {
        queue.add(failure);
    }

    /** The next item, waiting at most {@code within}; a stream failure or no item in time is a {@link DemoFailure}. */
    public T next(String what, Duration within) {
        return nextIfAny(what, within).orElseThrow(() ->
            new DemoFailure(what + ": no " + stream + " event within " + Durations.format(within)));
    }

    /** The next item, or empty when none came within {@code within}; a stream failure is a {@link DemoFailure}. */
    public Optional<T> nextIfAny(String what, Duration within) {
        Object next;
        try {
            // Nanoseconds: milliseconds would end a wait of 0.9 ms at once, and every wait up to a millisecond early.
            next = queue.poll(within.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DemoFailure(what + ": interrupted", e);
        }
        if (next == null) {
            return Optional.empty();
        }
        if (next instanceof Throwable) {
            throw new DemoFailure(what + ": the " + stream + " failed: " + Failures.describe((Throwable) next), (Throwable) next);
        }
        return Optional.of(type.cast(next));
    }
}
