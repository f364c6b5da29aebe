package dev.etcdpoc;

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
}
