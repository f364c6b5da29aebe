package dev.etcdpoc.support;

import dev.etcdpoc.core.Endpoints;
import java.time.Duration;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/** etcd in a container, with the image and flags compose.yml uses. */
final class ContainerEtcd implements EtcdFixture {
    private final GenericContainer<?> container;
    private final String image;

    ContainerEtcd(String image) {
        this.image = image;
        container = new GenericContainer<>(DockerImageName.parse(image))
            .withExposedPorts(2379)
            .withCommand("etcd",
                "--name", "etcd",
                "--data-dir", "/etcd-data",
                "--listen-client-urls", "http://0.0.0.0:2379",
                "--advertise-client-urls", "http://127.0.0.1:2379")
            .waitingFor(Wait.forHttp("/health").forPort(2379)
                .forResponsePredicate(body -> body.contains("\"health\":\"true\""))
                .withStartupTimeout(Duration.ofSeconds(60)));
        container.start();
    }

    @Override
    public Endpoints endpoints() {
        return Endpoints.parse("http://" + container.getHost() + ":" + container.getMappedPort(2379));
    }

    @Override
    public String backend() {
        return "container (" + image + ")";
    }

    @Override
    public void close() {
        container.stop();
    }
}
