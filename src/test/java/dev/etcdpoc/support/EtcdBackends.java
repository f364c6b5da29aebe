package dev.etcdpoc.support;

import dev.etcdpoc.core.Endpoints;
import dev.etcdpoc.local.LocalEtcd;
import java.util.Locale;
import org.testcontainers.DockerClientFactory;

/**
 * Picks how the tests get etcd. {@code -Detcd.backend} or {@code ETCD_BACKEND} forces one of
 * process | container | external; {@code ETCD_TEST_ENDPOINTS} (or {@code -Detcd.endpoints}) means
 * external. Otherwise: a container when a Docker engine answers, else a local etcd process.
 * Never a skip: with neither, the tests fail and say how to install etcd.
 */
public final class EtcdBackends {
    private EtcdBackends() {
    }

    public static EtcdFixture start() {
        String external = setting("etcd.endpoints", "ETCD_TEST_ENDPOINTS");
        String backend = setting("etcd.backend", "ETCD_BACKEND");
        if (backend == null) {
            backend = external != null ? "external" : dockerAvailable() ? "container" : "process";
        }
        switch (backend.toLowerCase(Locale.ROOT)) {
            case "external":
                if (external == null) {
                    throw new IllegalStateException("etcd.backend=external needs ETCD_TEST_ENDPOINTS or -Detcd.endpoints");
                }
                return new ExternalEtcd(Endpoints.parse(external));
            case "container":
                return new ContainerEtcd(image());
            case "process":
                if (!LocalEtcd.binaryAvailable()) {
                    throw new IllegalStateException("The tests need etcd: no Docker engine answers and no etcd binary is on "
                        + "the PATH. Install etcd with scripts/install-etcd.sh (Debian's etcd-server package), "
                        + "or start Docker, or set ETCD_TEST_ENDPOINTS.");
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

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
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
