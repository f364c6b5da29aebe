package dev.etcdpoc.support;

import dev.etcdpoc.core.Endpoints;
import dev.etcdpoc.local.LocalEtcd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Stream;
import org.testcontainers.DockerClientFactory;

/**
 * Picks how the tests get etcd. {@code -Detcd.backend} or {@code ETCD_BACKEND} forces one of
 * process | container | external; {@code ETCD_TEST_ENDPOINTS} (or {@code -Detcd.endpoints}) means
 * external. Otherwise: a container when a Docker engine answers, else a local etcd process.
 * Never a skip: with neither, the tests fail and say how to install etcd. One line on stderr says
 * which backend the run uses and why.
 */
public final class EtcdBackends {
    private EtcdBackends() {
    }

    public static EtcdFixture start() {
        String external = setting("etcd.endpoints", "ETCD_TEST_ENDPOINTS");
        String backend = setting("etcd.backend", "ETCD_BACKEND");
        String why;
        if (backend != null) {
            why = "etcd.backend / ETCD_BACKEND asks for it";
        } else if (external != null) {
            backend = "external";
            why = "ETCD_TEST_ENDPOINTS is set";
        } else {
            String noDocker = whyNoDocker();
            backend = noDocker == null ? "container" : "process";
            why = noDocker == null ? "a Docker engine answers" : noDocker;
        }
        EtcdFixture fixture = open(backend.toLowerCase(Locale.ROOT), external, why);
        System.err.println("etcd for tests: " + fixture.backend() + " at " + fixture.endpoints() + ", because " + why);
        return fixture;
    }

    private static EtcdFixture open(String backend, String external, String why) {
        switch (backend) {
            case "external":
                if (external == null) {
                    throw new IllegalStateException("etcd.backend=external needs ETCD_TEST_ENDPOINTS or -Detcd.endpoints");
                }
                return new ExternalEtcd(Endpoints.parse(external));
            case "container":
                return new ContainerEtcd(image());
            case "process":
                if (!LocalEtcd.binaryAvailable()) {
                    throw new IllegalStateException("The tests need etcd: " + why + ", and there is no etcd binary "
                        + "(ETCD_BINARY or -Detcd.binary, else .etcd/bin/etcd, else the PATH). Fetch etcd 3.5 with "
                        + "scripts/install-etcd.sh, or start Docker, or set ETCD_TEST_ENDPOINTS.");
                }
                return new ProcessEtcd();
            default:
                throw new IllegalStateException("unknown etcd.backend '" + backend + "'; use process, container or external");
        }
    }

    /** ETCD_IMAGE, as for compose.yml; else the pom's etcd.image, which surefire passes on. */
    private static String image() {
        String image = System.getenv("ETCD_IMAGE");
        return image != null && !image.isBlank() ? image : System.getProperty("etcd.image");
    }

    private static String setting(String property, String envVar) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = System.getenv(envVar);
        }
        return value == null || value.isBlank() ? null : value;
    }

    /**
     * Null when a Docker engine answers, else why not. Testcontainers is asked only when there is a
     * DOCKER_HOST or a Docker socket, and even then quietly: when it finds no engine, its discovery
     * logs an ERROR block with stack traces, which would bury the one line that matters.
     */
    private static String whyNoDocker() {
        String host = System.getenv("DOCKER_HOST");
        if (host == null || host.isBlank()) {
            String home = System.getProperty("user.home");
            String runtime = System.getenv("XDG_RUNTIME_DIR");
            boolean socket = Stream.of("/var/run/docker.sock", home + "/.docker/run/docker.sock",
                    runtime == null ? null : runtime + "/docker.sock")
                .filter(Objects::nonNull)
                .anyMatch(p -> Files.exists(Path.of(p)));
            if (!socket) {
                return "no Docker engine here (no DOCKER_HOST, no Docker socket)";
            }
        }
        System.setProperty("org.slf4j.simpleLogger.log.org.testcontainers.dockerclient", "off");
        try {
            return DockerClientFactory.instance().isDockerAvailable() ? null : "no Docker engine answers";
        } catch (RuntimeException | LinkageError e) {
            return "no Docker engine answers (" + e.getMessage() + ")";
        }
    }

    /** An etcd somebody else runs: used as is, never stopped. */
    private static final class ExternalEtcd implements EtcdFixture {
        private final Endpoints endpoints;

        ExternalEtcd(Endpoints endpoints) {
            this.endpoints = endpoints;
        }

        @Override
        public Endpoints endpoints() {
            return endpoints;
        }

        @Override
        public String backend() {
            return "external";
        }

        @Override
        public void close() {
        }
    }
}
