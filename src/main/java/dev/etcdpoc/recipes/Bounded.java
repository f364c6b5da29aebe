package dev.etcdpoc.recipes;

import io.etcd.jetcd.ByteSequence;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What every recipe needs: a wait on a jetcd future that always ends (jetcd's futures may never
 * complete while etcd is unreachable), and UTF-8 keys and values.
 */
final class Bounded {
    private Bounded() {
    }

    /** The call's result, waiting at most {@code timeout}; else a {@link RecipeException} naming {@code request}. */
    static <T> T get(CompletableFuture<T> call, Duration timeout, String request) {
        try {
            return call.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            call.cancel(true);
            long ms = timeout.toMillis();
            throw new RecipeException(request, new TimeoutException("no answer from etcd within " + (ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms")));
        } catch (ExecutionException e) {
            throw new RecipeException(request, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            call.cancel(true);
            throw new RecipeException(request, e);
        }
    }

    static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }

    static String text(ByteSequence bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
