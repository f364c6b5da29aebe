package dev.etcdpoc.recipes;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What a recipe throws when etcd did not answer in time, refused a request, or the wait was
 * interrupted: the message names the request ("LOCK demo/lock/mutex"), the cause is what jetcd (or
 * the wait) said. A recipe that finds etcd answering differently from what it expects (a lock key
 * gone, a lease lost) says so in an {@link IllegalStateException} instead. Copy this file with the recipe.
 */
public class RecipeException extends RuntimeException {
    public RecipeException(String request, Throwable cause) {
        super(request, cause);
    }

    /**
     * The call's result, waiting at most {@code timeout}: jetcd's futures may never complete while etcd is
     * unreachable, so every wait of a recipe ends here, in the result or in a RecipeException naming {@code request}.
     */
    static <T> T await(CompletableFuture<T> call, Duration timeout, String request) {
        try {
            return call.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            call.cancel(true);
            long ms = timeout.toMillis();
            String within = ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
            throw new RecipeException(request, new TimeoutException("no answer from etcd within " + within));
        } catch (ExecutionException e) {
            throw new RecipeException(request, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            call.cancel(true);
            throw new RecipeException(request, e);
        }
    }
}
