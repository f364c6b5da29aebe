package dev.etcdpoc.core;

import java.time.Duration;

/** Durations as people write them: 5s, 750ms, 2m. */
public final class Durations {
    private Durations() {
    }

    public static String format(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    /** Parses 5s, 500ms, 2m or a bare number of seconds; rejects zero and negatives. */
    public static Duration parsePositive(String text) {
        String t = text.trim().toLowerCase();
        Duration d;
        try {
            if (t.endsWith("ms")) {
                d = Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            } else if (t.endsWith("s")) {
                d = Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
            } else if (t.endsWith("m")) {
                d = Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)) * 60);
            } else {
                d = Duration.ofMillis(Math.round(Double.parseDouble(t) * 1000));
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a duration; write it like 5s, 500ms or 2m");
        }
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("'" + text + "' must be greater than zero, like 5s or 500ms");
        }
        return d;
    }
}
