package dev.etcdpoc.local;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Which binary of a server local processes run: the system property or the environment variable when
 * set (the version under test), else this project's copy that an install script fetches (found next to
 * the jar's or classes' {@code target/}, or in the working directory), else the command on the PATH.
 *
 * @param property     such as {@code etcd.binary} ({@code -Detcd.binary=...})
 * @param variable     such as {@code ETCD_BINARY}
 * @param projectCopy  where the install script puts it, relative to the project: {@code .etcd/bin/etcd}
 * @param command      its name on the PATH
 * @param version      what {@code BINARY --version} prints, its group 1 the version
 */
record ServerBinary(String property, String variable, String projectCopy, String command, Pattern version) {
    /** scripts/install-etcd.sh fetches it. */
    static final ServerBinary ETCD = new ServerBinary("etcd.binary", "ETCD_BINARY", ".etcd/bin/etcd", "etcd",
        Pattern.compile("etcd Version: (\\S+)"));
    /** scripts/install-redis.sh fetches it; the same binary runs a Sentinel ({@code redis-server FILE --sentinel}). */
    static final ServerBinary REDIS = new ServerBinary("redis.binary", "REDIS_BINARY", ".redis/bin/redis-server", "redis-server",
        Pattern.compile("Redis server v=(\\S+)"));

    /** The binary, or null when there is none. */
    Path find() {
        String chosen = System.getProperty(property);
        if (chosen == null || chosen.isBlank()) {
            chosen = System.getenv(variable);
        }
        if (chosen != null && !chosen.isBlank()) {
            // Named on purpose (a version matrix): a wrong name must fail, not quietly run another binary.
            return Files.isExecutable(Path.of(chosen)) ? Path.of(chosen) : null;
        }
        String path = System.getenv("PATH");
        Stream<Path> onPath = path == null ? Stream.empty() : Stream.of(path.split(File.pathSeparator))
            .filter(dir -> !dir.isEmpty())
            .map(dir -> Path.of(dir, command));
        return Stream.concat(projectCopies(), onPath).filter(Files::isExecutable).findFirst().orElse(null);
    }

    /** The version {@code binary --version} says, such as "3.5.30", or "?". */
    String version(Path binary) {
        try {
            Process p = new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(10, TimeUnit.SECONDS);
            Matcher m = version.matcher(out);
            return m.find() ? m.group(1) : "?";
        } catch (IOException e) {
            return "?";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }

    /** This project's copy: the jar (target/poc.jar) or classes (target/classes) sit two levels below the project. */
    private Stream<Path> projectCopies() {
        Stream<Path> here = Stream.of(Path.of(projectCopy).toAbsolutePath());
        try {
            Path project = Path.of(ServerBinary.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getParent().getParent();
            return Stream.concat(Stream.of(project.resolve(projectCopy)), here);
        } catch (RuntimeException | URISyntaxException e) {
            // no code source on the file system (an unusual class loader): the working directory only
            return here;
        }
    }
}
