package dev.etcdpoc.check;

/**
 * Short constructors for hand-written histories. Times are in milliseconds (as longs) from 0; a call
 * without an answer has no end time.
 */
final class Calls {

    static final long MS = 1_000_000;

    private Calls() {
    }

    static Operation put(int client, long from, long to, String key, String value, long revision) {
        return op(client, from, to, new Request.Put(key, value), new Response.Written(revision));
    }

    static Operation putFailed(int client, long from, long to, String key, String value) {
        return op(client, from, to, new Request.Put(key, value), Response.FAILED);
    }

    static Operation putUnknown(int client, long from, String key, String value) {
        return unanswered(client, from, new Request.Put(key, value));
    }

    static Operation get(int client, long from, long to, String key, String value, long modRevision, long revision) {
        return op(client, from, to, new Request.Get(key), new Response.Read(value, modRevision, revision));
    }

    static Operation getAbsent(int client, long from, long to, String key, long revision) {
        return op(client, from, to, new Request.Get(key), Response.Read.absent(revision));
    }

    static Operation delete(int client, long from, long to, String key, int count, long revision) {
        return op(client, from, to, new Request.Delete(key), new Response.Deleted(count, revision));
    }

    static Operation deleteUnknown(int client, long from, String key) {
        return unanswered(client, from, new Request.Delete(key));
    }

    static Operation cas(int client, long from, long to, String key, long expected, String value,
                         boolean succeeded, long revision) {
        return op(client, from, to, new Request.Cas(key, expected, value), new Response.Swapped(succeeded, revision));
    }

    static Operation casUnknown(int client, long from, String key, long expected, String value) {
        return unanswered(client, from, new Request.Cas(key, expected, value));
    }

    private static Operation op(int client, long from, long to, Request request, Response response) {
        return new Operation(client, from * MS, to * MS, request, response);
    }

    private static Operation unanswered(int client, long from, Request request) {
        return new Operation(client, from * MS, Long.MAX_VALUE, request, Response.UNKNOWN);
    }
}
