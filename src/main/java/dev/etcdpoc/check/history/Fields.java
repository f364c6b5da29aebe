package dev.etcdpoc.check.history;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.etcdpoc.check.Operation;
import dev.etcdpoc.check.Request;
import dev.etcdpoc.check.Response;
import dev.etcdpoc.check.WatchEvent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One line of a history file: a JSON object of scalar fields (and, for a delivery, an array of event
 * objects), read with the streaming parser. Each accessor names the field it wants, so a line that lacks it
 * or holds the wrong kind of value is refused in words; {@link #done()} refuses fields nobody asked for
 * (a misspelt one would otherwise be silently ignored).
 */
final class Fields {

    private final Map<String, Object> values;
    private final Set<String> used = new HashSet<>();

    private Fields(Map<String, Object> values) {
        this.values = values;
    }

    static Fields parse(JsonFactory json, String line) throws IOException {
        try (JsonParser p = json.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new JsonParseException(p, "a line is one JSON object, {...}");
            }
            Map<String, Object> values = object(p, true);
            if (p.nextToken() != null) {
                throw new JsonParseException(p, "more after the object's closing brace");
            }
            return new Fields(values);
        }
    }

    private static Map<String, Object> object(JsonParser p, boolean top) throws IOException {
        Map<String, Object> values = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken token = p.nextToken();
            Object value = switch (token) {
                case VALUE_STRING -> p.getText();
                case VALUE_NUMBER_INT -> p.getLongValue();
                case VALUE_TRUE -> Boolean.TRUE;
                case VALUE_FALSE -> Boolean.FALSE;
                case VALUE_NULL -> null;
                case START_ARRAY -> {
                    if (!top) {
                        throw new IllegalArgumentException("'" + name + "' holds an array where a single value belongs");
                    }
                    List<Map<String, Object>> items = new ArrayList<>();
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        items.add(object(p, false));
                    }
                    yield items;
                }
                case VALUE_NUMBER_FLOAT -> throw new IllegalArgumentException("'" + name + "' is " + p.getText()
                    + "; it takes a whole number");
                default -> throw new IllegalArgumentException("'" + name + "' holds an object where a single value belongs");
            };
            if (values.containsKey(name)) {
                throw new IllegalArgumentException("'" + name + "' appears twice");
            }
            values.put(name, value);
        }
        return values;
    }

    /** A string field, or {@code otherwise} when it is absent. */
    String text(String name, String otherwise) {
        used.add(name);
        if (!values.containsKey(name)) {
            return otherwise;
        }
        if (!(values.get(name) instanceof String text)) {
            throw new IllegalArgumentException("'" + name + "' is " + values.get(name) + "; it takes a string");
        }
        return text;
    }

    String required(String name) {
        String text = text(name, null);
        if (text == null) {
            throw new IllegalArgumentException("'" + name + "' is missing");
        }
        return text;
    }

    /** A string field that may be null (a value read as absent), which must be present. */
    String nullable(String name, String meaning) {
        used.add(name);
        if (!values.containsKey(name)) {
            throw new IllegalArgumentException("'" + name + "' is missing (" + meaning + ")");
        }
        return values.get(name) == null ? null : text(name, null);
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    long number(String name) {
        Long number = optionalNumber(name);
        if (number == null) {
            throw new IllegalArgumentException("'" + name + "' is missing");
        }
        return number;
    }

    Long optionalNumber(String name) {
        used.add(name);
        Object value = values.get(name);
        if (value != null && !(value instanceof Long)) {
            throw new IllegalArgumentException("'" + name + "' is " + quoted(value) + "; it takes a whole number");
        }
        return (Long) value;
    }

    boolean bool(String name) {
        used.add(name);
        if (!(values.get(name) instanceof Boolean b)) {
            throw new IllegalArgumentException(values.containsKey(name) ? "'" + name + "' is " + quoted(values.get(name))
                + "; it takes true or false" : "'" + name + "' is missing");
        }
        return b;
    }

    /** Refuses the line when it has a field nothing asked for. */
    void done() {
        for (String name : values.keySet()) {
            if (!used.contains(name)) {
                throw new IllegalArgumentException("unknown field '" + name + "'");
            }
        }
    }

    private static String quoted(Object value) {
        return value instanceof String ? "\"" + value + "\"" : String.valueOf(value);
    }

    /** A delivery's events. */
    @SuppressWarnings("unchecked")
    List<WatchEvent> events() {
        used.add("events");
        if (!(values.get("events") instanceof List<?> items)) {
            throw new IllegalArgumentException("'events' is missing or not an array of events");
        }
        List<WatchEvent> events = new ArrayList<>();
        for (Object item : items) {
            Fields event = new Fields((Map<String, Object>) item);
            String type = event.required("event");
            String key = event.required("key");
            long revision = event.number("revision");
            events.add(switch (type) {
                case "put" -> WatchEvent.put(revision, key, event.required("value"));
                case "delete" -> WatchEvent.delete(revision, key);
                default -> throw new IllegalArgumentException("an event's 'event' is '" + type + "'; put or delete");
            });
            event.done();
        }
        return events;
    }

    /** The call on this line. */
    Operation call() {
        int client = (int) number("client");
        long invoked = number("invoked");
        String outcome = required("outcome");
        Long completed = optionalNumber("completed");
        if (outcome.equals("unknown") && completed != null) {
            throw new IllegalArgumentException("an unknown outcome has no 'completed': such a call may take effect at any "
                + "time after it was sent");
        }
        if (!outcome.equals("unknown") && completed == null) {
            throw new IllegalArgumentException("'completed' is missing (an " + outcome + " call got its answer at some time)");
        }
        Request request = request(required("op"));
        Response response = switch (outcome) {
            case "ok" -> answer(request);
            case "failed" -> Response.FAILED;
            case "unknown" -> Response.UNKNOWN;
            default -> throw new IllegalArgumentException("'outcome' is '" + outcome + "'; one of ok, failed, unknown");
        };
        Long txn = optionalNumber("txn");
        if (txn != null && txn <= 0) {
            throw new IllegalArgumentException("'txn' is " + txn + "; a transaction's number is 1 or more");
        }
        done();
        return new Operation(client, invoked, completed == null ? Long.MAX_VALUE : completed, request, response,
            txn == null ? 0 : txn);
    }

    private Request request(String op) {
        String key = required("key");
        return switch (op) {
            case "get" -> new Request.Get(key);
            case "delete" -> new Request.Delete(key);
            case "put" -> new Request.Put(key, required("value"));
            case "cas" -> {
                if (has("expect_revision") == has("expect_value")) {
                    throw new IllegalArgumentException("a cas compares one thing: give 'expect_revision' (etcd's mod "
                        + "revision, 0 for absent) or 'expect_value' (a register's value, null for absent)");
                }
                yield has("expect_revision") ? new Request.Cas(key, number("expect_revision"), required("value"))
                    : new Request.CompareAndSet(key, nullable("expect_value", "null for absent"), required("value"));
            }
            default -> throw new IllegalArgumentException("'op' is '" + op + "'; one of get, put, delete, cas");
        };
    }

    /** An ok call's answer: etcd's carries 'revision', a register's does not. */
    private Response answer(Request request) {
        Long revision = optionalNumber("revision");
        if (request instanceof Request.Get) {
            String found = nullable("found", "the value read, or null when the key was absent");
            if (revision == null) {
                return new Response.Value(found);
            }
            return new Response.Read(found, number("mod_revision"), revision);
        }
        if (request instanceof Request.Put) {
            return revision == null ? new Response.Ok() : new Response.Written(revision);
        }
        if (request instanceof Request.Delete) {
            int deleted = (int) number("deleted");
            return revision == null ? new Response.Removed(deleted) : new Response.Deleted(deleted, revision);
        }
        boolean succeeded = bool("succeeded");
        if (request instanceof Request.CompareAndSet) {
            if (revision != null) {
                throw new IllegalArgumentException("a cas with 'expect_value' is a register's, whose answer has no 'revision'");
            }
            return new Response.Compared(succeeded);
        }
        if (revision == null) {
            throw new IllegalArgumentException("'revision' is missing (a cas with 'expect_revision' is etcd's, whose answer "
                + "has the header's revision)");
        }
        return new Response.Swapped(succeeded, revision);
    }
}
