package dev.etcdpoc.connect;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * A subcommand ({@code poc bench}, {@code poc check-history}) has options of its own; those written before
 * its name are the demo's, and would be silently ignored. This says so.
 */
public final class OptionsBefore {

    private OptionsBefore() {
    }

    /**
     * The usage error for options and sections given before {@code spec}'s command name, if any.
     *
     * @param whose   what they belong to instead, as in "the benchmark's"
     * @param example the command written right, as in "poc bench -e http://127.0.0.1:2379"
     */
    public static Optional<String> refusal(CommandSpec spec, String whose, String example) {
        CommandLine demo = spec.commandLine().getParent();
        if (demo == null || demo.getParseResult() == null) {
            return Optional.empty();
        }
        CommandLine.ParseResult parsed = demo.getParseResult();
        List<String> before = new ArrayList<>();
        parsed.matchedOptions().forEach(option -> before.add(option.longestName()));
        parsed.matchedPositionals().forEach(positional -> before.add(positional.paramLabel()));
        if (before.isEmpty()) {
            return Optional.empty();
        }
        String name = spec.name();
        // The command line is not echoed back: it may hold a password.
        return Optional.of(String.join(", ", before) + " before '" + name + "' would be the demo's, not " + whose + ": write "
            + (before.size() == 1 ? "it" : "them") + " after '" + name + "', as in '" + example + "'");
    }
}
