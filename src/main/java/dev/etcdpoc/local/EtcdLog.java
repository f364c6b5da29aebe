package dev.etcdpoc.local;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * What an etcd member's log (zap's JSON lines, {@code --logger zap}) says about why it stopped. etcd ends
 * with a Go stack trace after a panic or a fatal error, so its last line names a source file, not the
 * cause; the cause is the last entry logged at level panic or fatal ("failed to create WAL", error "no
 * space left on device"), else the last at level error.
 */
final class EtcdLog {
    private static final JsonFactory JSON = new JsonFactory();
    private static final List<String> FATAL = List.of("panic", "dpanic", "fatal");

    private EtcdLog() {
    }

    /** The words after a member's failure: why it stopped, as its log says; else its last line; nothing for an empty log. */
    static String reason(List<String> lines) {
        Optional<String> why = last(lines, FATAL).or(() -> last(lines, List.of("error")));
        if (why.isPresent()) {
            return "; its log says: " + why.get();
        }
        return lines.isEmpty() ? "" : "; its last log line: " + lines.get(lines.size() - 1);
    }

    /** The last entry logged at one of {@code levels}, as "msg: error". */
    private static Optional<String> last(List<String> lines, List<String> levels) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            Optional<Entry> entry = Entry.of(lines.get(i));
            if (entry.isPresent() && levels.contains(entry.get().level())) {
                return Optional.of(entry.get().text());
            }
        }
        return Optional.empty();
    }

    /** The fields of one log entry that say what happened. */
    private record Entry(String level, String msg, String error) {
        String text() {
            return error == null ? msg : msg + ": " + error;
        }

        /** The entry on {@code line}; empty for a line that is not one (a stack trace's, a Go panic's). */
        static Optional<Entry> of(String line) {
            if (!line.startsWith("{")) {
                return Optional.empty();
            }
            String level = null;
            String msg = null;
            String error = null;
            try (JsonParser parser = JSON.createParser(line)) {
                if (parser.nextToken() != JsonToken.START_OBJECT) {
                    return Optional.empty();
                }
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String field = parser.currentName();
                    JsonToken value = parser.nextToken();
                    if (value == JsonToken.VALUE_STRING && field.equals("level")) {
                        level = parser.getText();
                    } else if (value == JsonToken.VALUE_STRING && field.equals("msg")) {
                        msg = parser.getText();
                    } else if (value == JsonToken.VALUE_STRING && field.equals("error")) {
                        error = parser.getText();
                    } else {
                        parser.skipChildren();
                    }
                }
            } catch (IOException notJson) {
                return Optional.empty();
            }
            return level == null || msg == null ? Optional.empty() : Optional.of(new Entry(level, msg, error));
        }
    }
}
