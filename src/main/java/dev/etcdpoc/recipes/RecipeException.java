package dev.etcdpoc.recipes;

/**
 * What a recipe throws when etcd did not answer in time, refused a request, or the wait was
 * interrupted: the message names the request ("LOCK demo/lock/mutex"), the cause is what jetcd (or
 * the wait) said. A recipe that finds etcd answering differently from what it expects (a lock key
 * gone, a lease lost) says so in an {@link IllegalStateException} instead.
 */
public class RecipeException extends RuntimeException {
    public RecipeException(String request, Throwable cause) {
        super(request, cause);
    }
}
