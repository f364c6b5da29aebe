package dev.etcdpoc.core;

import java.util.regex.Pattern;

/**
 * Keys in messages. etcd keys may hold any bytes, a --namespace too, so a key is shown with its
 * control characters escaped (a message stays one line, and says which key it means), and a command a
 * message suggests quotes the key as a POSIX shell needs, so that pasting it names that exact key.
 */
public final class Quoting {
    private static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9_./:@%+=,-]+");

    private Quoting() {
    }

    /** {@code text} with control characters (and backslashes) escaped as \n, \t, \xHH: one line, unambiguous. */
    public static String shown(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (Character.isISOControl(c)) {
                        out.append(String.format("\\x%02x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    /** {@code text} as one shell word: as it is when safe, in single quotes when not, as $'...' with control characters. */
    public static String shellWord(String text) {
        if (SHELL_SAFE.matcher(text).matches()) {
            return text;
        }
        if (text.chars().noneMatch(Character::isISOControl)) {
            return "'" + text.replace("'", "'\\''") + "'";
        }
        // bash, zsh and ksh read \n, \t, \xHH and \\ inside $'...'; a single quote needs its backslash there.
        return "$'" + shown(text).replace("'", "\\'") + "'";
    }

    /** A message as one line: what a failure prints, whatever the texts it quotes hold. */
    public static String oneLine(String message) {
        return message.chars().anyMatch(c -> c == '\n' || c == '\r') ? message.replace("\r", "\\r").replace("\n", "\\n") : message;
    }
}
