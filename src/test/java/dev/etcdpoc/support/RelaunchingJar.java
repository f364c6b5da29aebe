package dev.etcdpoc.support;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A jar as {@code mvn package} leaves it for a plain {@code java -jar} to start the demo again (ArchiveRelaunch):
 * {@code poc.jar}, a {@code poc.jsa} newer than it and {@code poc.jsa.launch} for this JDK, in a folder of the
 * test's. The jar holds no classes, only a manifest naming the test's classpath (the real jar is made after the
 * tests), and the archive is not one: the launch file's options say what to start the demo with, and
 * {@link #OPTION} among them marks the JVM that was started with them.
 */
public final class RelaunchingJar {
    /** An option of the launch file: the demo's JVM has it on its command line, the launcher's has not. */
    public static final String OPTION = "-Dpoc.test.started-by=poc.jsa.launch";

    private RelaunchingJar() {
    }

    /** Writes the three files into {@code dir}; returns the jar. */
    public static Path in(Path dir) {
        try {
            Path jar = dir.resolve("poc.jar");
            Manifest manifest = new Manifest();
            Attributes main = manifest.getMainAttributes();
            main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
            main.put(Attributes.Name.MAIN_CLASS, "dev.etcdpoc.Main");
            main.put(Attributes.Name.CLASS_PATH, Stream.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .map(entry -> Path.of(entry).toUri().toString()).collect(Collectors.joining(" ")));
            try (OutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
                // the manifest is all
            }
            Path archive = Files.writeString(dir.resolve("poc.jsa"), "not an archive");
            // Newer than the jar, as train-startup.sh leaves it, whatever the file system's clock resolution.
            Files.setLastModifiedTime(archive, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 1000));
            Files.write(dir.resolve("poc.jsa.launch"), List.of("# as scripts/train-startup.sh writes it",
                "java.home=" + System.getProperty("java.home"), "archive=poc.jsa", OPTION));
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
