package dev.etcdpoc.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;

/** Signals for processes a test started itself, by PID (the JDK sends only TERM and KILL). */
public final class Signals {
    private Signals() {
    }

    /** {@code kill -NAME pid}, e.g. STOP, CONT, TERM, INT; fails the test if kill did not succeed. */
    public static void send(long pid, String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(pid)).inheritIO().start();
            assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0).as("kill -%s %d", name, pid).isTrue();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while sending " + name + " to " + pid, e);
        }
    }
}
