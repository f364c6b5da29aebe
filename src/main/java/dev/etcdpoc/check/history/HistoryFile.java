package dev.etcdpoc.check.history;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.etcdpoc.check.Operation;
import dev.etcdpoc.check.RecordedHistory;
import dev.etcdpoc.check.RecordedWatch;
import dev.etcdpoc.check.Request;
import dev.etcdpoc.check.Response;
import dev.etcdpoc.check.WatchEvent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A recorded history as JSON lines (docs/check.md, "History files"): one call a line, with its client,
 * times, request and answer; and, from {@code poc check}, lines for the watches' streams and deliveries,
 * the faults and marked instants. Read with jackson-core's streaming parser, so a malformed file is
 * refused with the number of its first bad line and what is wrong there.
 */
public final class HistoryFile {

    private static final JsonFactory JSON = new JsonFactory();

    private HistoryFile() {
    }

    /** Why a history file cannot be read: one line, naming the file's line. */
    public static final class Malformed extends Exception {
        Malformed(String message) {
            super(message);
        }
    }

    /**
     * Reads {@code file}.
     *
     * @throws Malformed   when a line is not a call, watch, delivery, fault or mark as documented
     * @throws IOException when the file cannot be read
     */
    public static RecordedHistory read(Path file) throws IOException, Malformed {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            Lines lines = new Lines();
            String line;
            int number = 0;
            while ((line = in.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    lines.add(Fields.parse(JSON, line));
                } catch (JsonProcessingException e) {
                    throw new Malformed("line " + number + ": not a JSON object (" + e.getOriginalMessage() + ")");
                } catch (IllegalArgumentException e) {
                    throw new Malformed("line " + number + ": " + e.getMessage());
                }
            }
            return lines.history();
        } catch (MalformedInputException e) {
            throw new Malformed("not UTF-8 text");
        }
    }

    /** Writes {@code history} to {@code file}, one line per call, watch stream, delivery, fault and mark. */
    public static void write(Path file, RecordedHistory history) throws IOException {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (Operation op : history.operations()) {
                out.write(line(g -> writeCall(g, op)));
            }
            for (RecordedWatch watch : history.watches()) {
                int number = 0;
                for (RecordedWatch.Segment segment : watch.segments()) {
                    int segmentNumber = ++number;
                    out.write(line(g -> {
                        g.writeStringField("type", "watch");
                        g.writeStringField("watch", watch.name());
                        g.writeStringField("prefix", watch.prefix());
                        g.writeNumberField("segment", segmentNumber);
                        g.writeNumberField("start_revision", segment.startRevision());
                    }));
                    for (int r = 0; r < segment.responses().size(); r++) {
                        List<WatchEvent> events = segment.responses().get(r);
                        Long at = segment.deliveredAt().isEmpty() ? null : segment.deliveredAt().get(r);
                        out.write(line(g -> writeDelivery(g, watch.name(), segmentNumber, at, events)));
                    }
                }
            }
            for (RecordedHistory.Band band : history.faults()) {
                out.write(line(g -> {
                    g.writeStringField("type", "fault");
                    g.writeNumberField("from", band.from());
                    g.writeNumberField("to", band.to());
                    g.writeStringField("label", band.label());
                }));
            }
            for (RecordedHistory.Mark mark : history.marks()) {
                out.write(line(g -> {
                    g.writeStringField("type", "mark");
                    g.writeNumberField("at", mark.at());
                    g.writeStringField("label", mark.label());
                }));
            }
        }
    }

    /** The fields of one object, written by {@code fields}. */
    private interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private static String line(Body body) throws IOException {
        StringWriter text = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(text)) {
            g.writeStartObject();
            body.write(g);
            g.writeEndObject();
        }
        return text + "\n";
    }

    private static void writeCall(JsonGenerator g, Operation op) throws IOException {
        g.writeNumberField("client", op.client());
        g.writeNumberField("invoked", op.invoked());
        if (op.completed() != Long.MAX_VALUE) {
            g.writeNumberField("completed", op.completed());
        }
        Request request = op.request();
        g.writeStringField("op", request instanceof Request.Cas || request instanceof Request.CompareAndSet ? "cas"
            : request.getClass().getSimpleName().toLowerCase(Locale.ROOT));
        g.writeStringField("key", request.key());
        if (request instanceof Request.Put put) {
            g.writeStringField("value", put.value());
        } else if (request instanceof Request.Cas cas) {
            g.writeNumberField("expect_revision", cas.expectedModRevision());
            g.writeStringField("value", cas.newValue());
        } else if (request instanceof Request.CompareAndSet cas) {
            g.writeStringField("expect_value", cas.expectedValue());
            g.writeStringField("value", cas.newValue());
        }
        if (op.txn() != 0) {
            g.writeNumberField("txn", op.txn());
        }
        Response response = op.response();
        g.writeStringField("outcome", op.outcome().name().toLowerCase(Locale.ROOT));
        if (response instanceof Response.Read read) {
            g.writeStringField("found", read.value());
            g.writeNumberField("mod_revision", read.modRevision());
            g.writeNumberField("revision", read.revision());
        } else if (response instanceof Response.Value value) {
            g.writeStringField("found", value.value());
        } else if (response instanceof Response.Written written) {
            g.writeNumberField("revision", written.revision());
        } else if (response instanceof Response.Deleted deleted) {
            g.writeNumberField("deleted", deleted.count());
            g.writeNumberField("revision", deleted.revision());
        } else if (response instanceof Response.Removed removed) {
            g.writeNumberField("deleted", removed.count());
        } else if (response instanceof Response.Swapped swapped) {
            g.writeBooleanField("succeeded", swapped.succeeded());
            g.writeNumberField("revision", swapped.revision());
        } else if (response instanceof Response.Compared compared) {
            g.writeBooleanField("succeeded", compared.succeeded());
        }
    }

    private static void writeDelivery(JsonGenerator g, String watch, int segment, Long at, List<WatchEvent> events)
        throws IOException {
        g.writeStringField("type", "delivery");
        g.writeStringField("watch", watch);
        g.writeNumberField("segment", segment);
        if (at != null) {
            g.writeNumberField("at", at);
        }
        g.writeArrayFieldStart("events");
        for (WatchEvent event : events) {
            g.writeStartObject();
            g.writeNumberField("revision", event.revision());
            g.writeStringField("key", event.key());
            g.writeStringField("event", event.type().name().toLowerCase(Locale.ROOT));
            if (event.value() != null) {
                g.writeStringField("value", event.value());
            }
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    /** The lines read so far, assembled into a history. */
    private static final class Lines {
        private final List<Operation> calls = new ArrayList<>();
        private final Map<String, RecordedWatch> watches = new LinkedHashMap<>();
        private final Map<String, List<SegmentLines>> segments = new LinkedHashMap<>();
        private final List<RecordedHistory.Band> faults = new ArrayList<>();
        private final List<RecordedHistory.Mark> marks = new ArrayList<>();

        private record SegmentLines(long start, List<List<WatchEvent>> responses, List<Long> times) {
        }

        void add(Fields line) {
            switch (line.text("type", "call")) {
                case "call" -> calls.add(line.call());
                case "watch" -> {
                    String name = line.required("watch");
                    watches.putIfAbsent(name, new RecordedWatch(name, line.required("prefix"), List.of()));
                    List<SegmentLines> of = segments.computeIfAbsent(name, n -> new ArrayList<>());
                    long number = line.number("segment");
                    if (number != of.size() + 1) {
                        throw new IllegalArgumentException("watch " + name + " segment " + number + " comes after segment "
                            + of.size() + "; segments are numbered 1, 2, ... in order");
                    }
                    of.add(new SegmentLines(line.number("start_revision"), new ArrayList<>(), new ArrayList<>()));
                    line.done();
                }
                case "delivery" -> {
                    String name = line.required("watch");
                    List<SegmentLines> of = segments.get(name);
                    long number = line.number("segment");
                    if (of == null || number < 1 || number > of.size()) {
                        throw new IllegalArgumentException("a delivery of watch " + name + " segment " + number
                            + " before the line that opens it (type watch)");
                    }
                    SegmentLines segment = of.get((int) number - 1);
                    Long at = line.optionalNumber("at");
                    segment.responses().add(line.events());
                    if (at != null) {
                        segment.times().add(at);
                    }
                    line.done();
                }
                case "fault" -> {
                    faults.add(new RecordedHistory.Band(line.number("from"), line.number("to"), line.required("label")));
                    line.done();
                }
                case "mark" -> {
                    marks.add(new RecordedHistory.Mark(line.number("at"), line.required("label")));
                    line.done();
                }
                default -> throw new IllegalArgumentException("'type' is '" + line.text("type", "") + "'; one of call, watch, "
                    + "delivery, fault, mark");
            }
        }

        RecordedHistory history() throws Malformed {
            List<RecordedWatch> recorded = new ArrayList<>();
            for (Map.Entry<String, RecordedWatch> watch : watches.entrySet()) {
                List<RecordedWatch.Segment> of = new ArrayList<>();
                for (SegmentLines s : segments.get(watch.getKey())) {
                    if (!s.times().isEmpty() && s.times().size() != s.responses().size()) {
                        throw new Malformed("watch " + watch.getKey() + ": some deliveries have 'at' and some do not");
                    }
                    of.add(new RecordedWatch.Segment(s.start(), s.responses(), s.times()));
                }
                recorded.add(new RecordedWatch(watch.getKey(), watch.getValue().prefix(), of));
            }
            return new RecordedHistory(calls, recorded, faults, marks);
        }
    }
}
