package dev.etcdpoc;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.logging.Level;
import java.util.logging.LogManager;

/**
 * Keeps library chatter off the terminal: results go to stdout, failures are reported by Main in
 * one line. jetcd and Vert.x log through slf4j-simple (see simplelogger.properties); gRPC logs
 * through java.util.logging, which is quieted here.
 */
final class Logging {
    private Logging() {
    }

    /** Must run before jetcd or gRPC create their loggers. */
    static void configure(boolean verbose) {
        Level level = verbose ? Level.INFO : Level.WARNING;
        java.util.logging.Logger root = LogManager.getLogManager().getLogger("");
        root.setLevel(level);
        for (java.util.logging.Handler handler : root.getHandlers()) {
            handler.setLevel(level);
        }
        if (verbose) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "info");
            for (String pkg : new String[] {"io.etcd", "io.grpc", "io.netty", "io.vertx"}) {
                System.setProperty("org.slf4j.simpleLogger.log." + pkg, "info");
            }
        }
    }

    /**
     * From here on no library writes to stderr: the run's last line has been said. gRPC logs a "Panic!"
     * when a channel still reconnecting finds its event loop ended (GrpcSharedEventLoops ends them just
     * before the exit), and any library may log while a signal's shutdown closes clients under it; either
     * would follow the one line the run promises. java.util.logging's console handler holds the stderr it
     * was made with, so it is removed; slf4j-simple and uncaught-exception traces write to whatever
     * System.err is, so that becomes a sink. Main keeps the stream it was handed, for its own last line.
     */
    static void silence() {
        System.err.flush();
        LogManager.getLogManager().reset();
        LogManager.getLogManager().getLogger("").setLevel(Level.OFF);
        System.setErr(new PrintStream(OutputStream.nullOutputStream()));
    }
}
