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
 * Which etcd binary local members run: {@code -Detcd.binary} or {@code ETCD_BINARY} when set (the version
 * under test), else this project's {@code .etcd/bin/etcd} that scripts/install-etcd.sh fetches (found next
 * to the jar's or classes' {@code target/}, or in the working directory), else {@code etcd} on the PATH.
 */
final class EtcdBinary {
    private static final Pattern VERSION = Pattern.compile("etcd Version: (\\S+)");

    private EtcdBinary() {
    }

    /** The binary, or null when there is none. */
    static Path find() {
        String chosen = System.getProperty("etcd.binary");
        if (chosen == null || chosen.isBlank()) {
            chosen = System.getenv("ETCD_BINARY");
        }
        if (chosen != null && !chosen.isBlank()) {
            // Named on purpose (a version matrix): a wrong name must fail, not quietly run another etcd.
            return Files.isExecutable(Path.of(chosen)) ? Path.of(chosen) : null;
        }
        String path = System.getenv("PATH");
        Stream<Path> onPath = path == null ? Stream.empty() : Stream.of(path.split(File.pathSeparator))
            .filter(dir -> !dir.isEmpty())
            .map(dir -> Path.of(dir, "etcd"));
        return Stream.concat(projectEtcd(), onPath).filter(Files::isExecutable).findFirst().orElse(null);
    }

    /** The version {@code etcd --version} says, such as "3.5.30", or "?". */
    static String version(Path etcd) {
        try {
            Process p = new ProcessBuilder(etcd.toString(), "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(10, TimeUnit.SECONDS);
            Matcher m = VERSION.matcher(out);
            return m.find() ? m.group(1) : "?";
        } catch (IOException e) {
            return "?";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }

    /** .etcd/bin/etcd of this project: the jar (target/poc.jar) or classes (target/classes) sit two levels below it. */
    private static Stream<Path> projectEtcd() {
        Stream<Path> here = Stream.of(Path.of(".etcd", "bin", "etcd").toAbsolutePath());
        try {
            Path project = Path.of(EtcdBinary.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getParent().getParent();
            return Stream.concat(Stream.of(project.resolve(".etcd/bin/etcd")), here);
        } catch (RuntimeException | URISyntaxException e) {
            // no code source on the file system (an unusual class loader): the working directory only
            return here;
        }
    }
}
