package dev.etcdpoc.check.timeline;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import dev.etcdpoc.check.KeyVerdict;
import dev.etcdpoc.check.Operation;
import dev.etcdpoc.check.RecordedHistory;
import dev.etcdpoc.check.RecordedWatch;
import dev.etcdpoc.check.WatchEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Writes timelines as one self-contained HTML page: its script and style are inline, its data a JSON
 * block, so it opens in any browser with no network. Each timeline has a lane per client with each call
 * a bar from its invocation to its answer, coloured by outcome (a call without an answer runs to the end),
 * the faults as shaded bands, marked instants as dashed lines, a lane per watch with a tick per delivery,
 * and each violation's witness outlined and named, its why beside it; a button zooms to the witness
 * (opening the page at {@code #witness} does too), the wheel zooms, a drag moves.
 *
 * <p>For a test or a reader of the page's DOM: each call is a {@code rect} with class {@code call} and its
 * outcome, {@code data-call} its number; a witness call also has {@code data-witness="true"} and a
 * {@code text.witness-label} with its line; the why is {@code text.why-label}; {@code body} gets
 * {@code data-rendered="true"} once the script has drawn everything.
 */
public final class TimelineReport {

    private static final JsonFactory JSON = new JsonFactory();

    private TimelineReport() {
    }

    public static void write(Path file, List<Timeline> timelines) throws IOException {
        String title = timelines.size() == 1 ? timelines.get(0).title() : "History timelines";
        String page = template().replace("@TITLE@", escapeHtml(title)).replace("@DATA@", data(timelines));
        Files.writeString(file, page, StandardCharsets.UTF_8);
    }

    private static String template() {
        try (InputStream in = TimelineReport.class.getResourceAsStream("timeline.html")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("the report's template is missing from the jar", e);
        }
    }

    private static String escapeHtml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String data(List<Timeline> timelines) throws IOException {
        StringWriter text = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(text)) {
            // Inside <script>, "</script>" in a value would end the block: '<' and '>' go as \\u escapes.
            g.setCharacterEscapes(new ScriptSafe());
            g.writeStartObject();
            g.writeArrayFieldStart("timelines");
            for (Timeline timeline : timelines) {
                write(g, timeline);
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        return text.toString();
    }

    private static void write(JsonGenerator g, Timeline timeline) throws IOException {
        RecordedHistory history = timeline.history();
        List<Operation> ops = history.operations();
        long origin = timeline.report() != null ? timeline.report().origin()
            : ops.stream().mapToLong(Operation::invoked).min().orElse(0);
        double end = 0;
        double start = 0;
        g.writeStartObject();
        g.writeStringField("title", timeline.title());
        g.writeStringField("verdict", timeline.verdict());
        g.writeBooleanField("holds", timeline.holds());
        g.writeArrayFieldStart("clients");
        for (int client : ops.stream().map(Operation::client).collect(Collectors.toCollection(TreeSet::new))) {
            g.writeNumber(client);
        }
        g.writeEndArray();
        Map<Operation, Integer> number = new IdentityHashMap<>();
        g.writeArrayFieldStart("calls");
        for (int i = 0; i < ops.size(); i++) {
            Operation op = ops.get(i);
            number.put(op, i);
            g.writeStartObject();
            g.writeNumberField("id", i);
            g.writeNumberField("client", op.client());
            g.writeNumberField("from", ms(op.invoked(), origin));
            if (op.completed() == Long.MAX_VALUE) {
                g.writeNullField("to");
            } else {
                g.writeNumberField("to", ms(op.completed(), origin));
                end = Math.max(end, ms(op.completed(), origin));
            }
            end = Math.max(end, ms(op.invoked(), origin));
            start = Math.min(start, ms(op.invoked(), origin));
            g.writeStringField("outcome", op.outcome().name().toLowerCase(Locale.ROOT));
            g.writeStringField("text", op.line(origin));
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeArrayFieldStart("faults");
        for (RecordedHistory.Band band : history.faults()) {
            g.writeStartObject();
            g.writeNumberField("from", ms(band.from(), origin));
            g.writeNumberField("to", ms(band.to(), origin));
            g.writeStringField("label", band.label());
            g.writeEndObject();
            end = Math.max(end, ms(band.to(), origin));
            start = Math.min(start, ms(band.from(), origin));
        }
        g.writeEndArray();
        g.writeArrayFieldStart("marks");
        for (RecordedHistory.Mark mark : history.marks()) {
            g.writeStartObject();
            g.writeNumberField("at", ms(mark.at(), origin));
            g.writeStringField("label", mark.label());
            g.writeEndObject();
            end = Math.max(end, ms(mark.at(), origin));
            start = Math.min(start, ms(mark.at(), origin));
        }
        g.writeEndArray();
        g.writeArrayFieldStart("watches");
        for (RecordedWatch watch : history.watches()) {
            g.writeString(watch.name());
        }
        g.writeEndArray();
        g.writeArrayFieldStart("deliveries");
        for (RecordedWatch watch : history.watches()) {
            for (RecordedWatch.Segment segment : watch.segments()) {
                for (int r = 0; r < segment.deliveredAt().size(); r++) {
                    double at = ms(segment.deliveredAt().get(r), origin);
                    g.writeStartObject();
                    g.writeStringField("watch", watch.name());
                    g.writeNumberField("at", at);
                    g.writeStringField("text", events(segment.responses().get(r)));
                    g.writeEndObject();
                    end = Math.max(end, at);
                }
            }
        }
        g.writeEndArray();
        g.writeArrayFieldStart("findings");
        if (timeline.report() != null) {
            for (KeyVerdict finding : timeline.report().findings()) {
                if (finding.status() != KeyVerdict.Status.NOT_LINEARIZABLE) {
                    continue;
                }
                g.writeStartObject();
                String headline = finding.lines(origin).get(0);
                g.writeStringField("title", headline.endsWith(":") ? headline.substring(0, headline.length() - 1) : headline);
                g.writeStringField("why", finding.reason());
                g.writeArrayFieldStart("calls");
                for (Operation op : finding.witness()) {
                    Integer id = number.get(op);
                    g.writeNumber(id != null ? id : ops.indexOf(op));
                }
                g.writeEndArray();
                g.writeEndObject();
            }
        }
        g.writeEndArray();
        g.writeNumberField("start", start);
        g.writeNumberField("end", end);
        g.writeEndObject();
    }

    /** Milliseconds since {@code origin}, to a microsecond. */
    private static double ms(long nanos, long origin) {
        return Math.round((nanos - origin) / 1e3) / 1e3;
    }

    /** A delivery's events in a few words: the first three, and how many more. */
    private static String events(List<WatchEvent> events) {
        String shown = events.stream().limit(3).map(WatchEvent::text).collect(Collectors.joining(", "));
        return events.size() > 3 ? shown + " and " + (events.size() - 3) + " more" : shown;
    }

    /** JSON that may sit inside an HTML script element. */
    private static final class ScriptSafe extends CharacterEscapes {
        private final int[] escapes;

        ScriptSafe() {
            escapes = standardAsciiEscapesForJSON();
            escapes['<'] = ESCAPE_STANDARD;
            escapes['>'] = ESCAPE_STANDARD;
            escapes['&'] = ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return escapes;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            return null;
        }
    }
}
