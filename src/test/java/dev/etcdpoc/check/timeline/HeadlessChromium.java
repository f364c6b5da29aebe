package dev.etcdpoc.check.timeline;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code chromium-headless-shell}, run on a local page: the DOM after its scripts ran, or a
 * screenshot. No network (background networking and component updates off, a fresh profile); as root it
 * needs {@code --no-sandbox}.
 */
final class HeadlessChromium {

    static final String BINARY = "chromium-headless-shell";
    private static final long BOUND_SECONDS = 60;

    private HeadlessChromium() {
    }

    /** The path of the binary on the PATH; an assertion failure that says how to install it when there is none. */
    static Path binary() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path candidate = Path.of(dir, BINARY);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError(BINARY + " is not installed: this test opens the report in a real browser. "
            + ".ci/run installs it; here: apt-get install -y " + BINARY + " (Debian bookworm)");
    }

    /** The page's DOM once its scripts ran ({@code --dump-dom}). */
    static String dom(Path page, Path tmp, String fragment) throws IOException, InterruptedException {
        Path out = tmp.resolve("dom.html");
        run(tmp, out, "--dump-dom", page.toUri() + fragment);
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    /** Writes a PNG of the page to {@code png}, {@code width} by {@code height} pixels. */
    static void screenshot(Path page, String fragment, Path png, int width, int height, Path tmp)
        throws IOException, InterruptedException {
        run(tmp, tmp.resolve("screenshot.log"), "--screenshot=" + png.toAbsolutePath(), "--window-size=" + width + "," + height,
            page.toUri() + fragment);
    }

    private static void run(Path tmp, Path stdout, String... args) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(tmp, "chromium-profile");
        List<String> command = new ArrayList<>(List.of(binary().toString(), "--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--disable-component-update", "--no-first-run",
            "--user-data-dir=" + profile));
        command.addAll(List.of(args));
        Process chromium = new ProcessBuilder(command).redirectOutput(stdout.toFile())
            .redirectError(tmp.resolve("chromium.err").toFile()).start();
        if (!chromium.waitFor(BOUND_SECONDS, TimeUnit.SECONDS)) {
            chromium.descendants().forEach(ProcessHandle::destroyForcibly);
            chromium.destroyForcibly();
            throw new AssertionError(BINARY + " did not finish within " + BOUND_SECONDS + " s");
        }
        if (chromium.exitValue() != 0) {
            throw new AssertionError(BINARY + " exited " + chromium.exitValue() + ": "
                + Files.readString(tmp.resolve("chromium.err")));
        }
    }
}
