package dev.etcdpoc.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The verdict on what watches delivered: for each guarantee etcd gives watches, whether it held, and
 * where it did not, one {@link Violation} per problem (per event or per revision).
 *
 * @param events the events the watches delivered, all of them
 */
public record WatchReport(int watches, int events, List<Violation> violations) {

    /** The guarantees checked. */
    public enum Property {
        /** Revisions never go down within a watch. */
        ORDERED,
        /** No (revision, key) is delivered twice by one watch. */
        UNIQUE,
        /** All events of one revision in the watched range come in one response. */
        ATOMIC,
        /** Between the first and the last revision a watch delivered, every event in its range came. */
        RELIABLE,
        /** A watch (re)started from revision r first delivers the first event in its range at or after r. */
        RESUMABLE,
        /** Every delivered event is the one written at its revision and key, in the watched range. */
        ACCURATE;

        String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One problem: which watch, which guarantee, and what was expected and seen. */
    public record Violation(String watch, Property property, String detail) {
        public String line() {
            return "watch " + watch + ": " + detail;
        }
    }

    /** How many violations of each guarantee {@link #lines()} shows. */
    private static final int SHOWN = 5;

    public WatchReport {
        violations = List.copyOf(violations);
    }

    public List<Violation> violations(Property property) {
        return violations.stream().filter(v -> v.property() == property).toList();
    }

    public boolean held(Property property) {
        return violations(property).isEmpty();
    }

    public boolean holds() {
        return violations.isEmpty();
    }

    /**
     * "watches: 5 watches, 9000 events: ordered, unique, ..." and, for each guarantee that did not hold,
     * its first violations.
     */
    public List<String> lines() {
        List<String> held = new ArrayList<>();
        List<String> broken = new ArrayList<>();
        for (Property property : Property.values()) {
            int count = violations(property).size();
            if (count == 0) {
                held.add(property.word());
            } else {
                broken.add("NOT " + property.word() + " (" + count + ")");
            }
        }
        List<String> lines = new ArrayList<>();
        lines.add("watches: " + watches + (watches == 1 ? " watch, " : " watches, ") + events + " events: "
            + String.join(", ", held) + (broken.isEmpty() ? "" : (held.isEmpty() ? "" : "; ") + String.join(", ", broken)));
        for (Property property : Property.values()) {
            List<Violation> of = violations(property);
            of.stream().limit(SHOWN).forEach(v -> lines.add("    " + v.line()));
            if (of.size() > SHOWN) {
                lines.add("    ... and " + (of.size() - SHOWN) + " more " + property.word() + " violations");
            }
        }
        return lines;
    }
}
