package dev.etcdpoc;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Start-up on a second core: a demo run spends most of its first second loading the ~2600 classes
 * of picocli, jetcd, gRPC, Netty and protobuf, one after another on the threads that first need
 * them. This thread reads the list of those classes (written into the jar at build time by
 * scripts/train-startup.sh, from a training run) and loads them ahead, in the order the run needs them,
 * while the main thread parses the command line and connects.
 *
 * <p>Loading only, never initializing: no static initializer runs here, so the program does
 * nothing in another order or on another thread than it would without this. A class that is not
 * there (another JDK, a changed dependency) is skipped; a jar without the list preloads nothing.
 */
final class ClassPreload {
    static final String LIST = "META-INF/poc/preload-classes.txt";

    private ClassPreload() {
    }

    static void start() {
        Thread loader = new Thread(ClassPreload::loadListed, "class-preload");
        // The run never waits for it, and it never keeps the JVM alive.
        loader.setDaemon(true);
        loader.start();
    }

    private static void loadListed() {
        ClassLoader classes = ClassPreload.class.getClassLoader();
        InputStream list = classes.getResourceAsStream(LIST);
        if (list == null) {
            return;
        }
        try (BufferedReader names = new BufferedReader(new InputStreamReader(list, StandardCharsets.UTF_8))) {
            String name;
            while ((name = names.readLine()) != null) {
                try {
                    Class.forName(name, false, classes);
                } catch (ClassNotFoundException | LinkageError e) {
                    // Not in this jar or JDK: the run loads what it needs itself.
                }
            }
        } catch (IOException e) {
            // An unreadable list only costs the head start.
        }
    }
}
