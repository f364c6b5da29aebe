package dev.etcdpoc.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A member's ports are ones the kernel never gives an outgoing connection, so a killed member gets them back. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LoopbackPortsTest {
    @Test
    void portsComeFromBelowTheKernelsRangeForOutgoingConnections() throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        int ephemeralLow = LoopbackPorts.ephemeralLow();
        assertThat(ephemeralLow).as("the kernel's lowest port for outgoing connections").isEqualTo(
            Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).split("\t")[0]));

        int[] ports = LoopbackPorts.free(9, loopback);

        assertThat(ports).as("ports for a 3-member cluster").doesNotHaveDuplicates();
        for (int port : ports) {
            assertThat(port).as("a port below the kernel's range from %d", ephemeralLow).isBetween(10000, ephemeralLow - 1);
            try (ServerSocket listening = new ServerSocket(port, 1, loopback)) {
                assertThat(listening.getLocalPort()).as("free to listen on").isEqualTo(port);
            }
        }
    }
}
