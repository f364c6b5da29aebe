package dev.etcdpoc.local;

import dev.etcdpoc.core.DemoFailure;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Signals to a process this program started, by PID, through {@code kill}: the JDK itself sends only
 * TERM and KILL, and a member frozen with STOP (as a long GC pause or a stuck disk would freeze it)
 * and let go with CONT needs the others.
 */
public final class ProcessSignals {
    private ProcessSignals() {
    }

    /** {@code kill -NAME pid}, e.g. STOP, CONT, TERM, INT. */
    public static void send(long pid, String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(pid)).redirectErrorStream(true).start();
            String said = new String(kill.getInputStream().readAllBytes()).trim();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new DemoFailure("kill -" + name + " " + pid + " failed" + (said.isEmpty() ? "" : ": " + said));
            }
        } catch (IOException e) {
            throw new DemoFailure("cannot run kill -" + name + " " + pid + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DemoFailure("interrupted while sending " + name + " to " + pid, e);
        }
    }
}
