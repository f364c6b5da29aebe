package dev.etcdpoc.local;

import dev.etcdpoc.core.DemoFailure;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free loopback ports for etcd members, from below the range the kernel hands out as the local ports of
 * outgoing connections ({@code /proc/sys/net/ipv4/ip_local_port_range}, 32768-60999 by default). A member
 * that is killed and started again needs its ports back, and a port from that range may meanwhile have
 * become the source port of any connection on the machine: the restart then fails ("bind: address already
 * in use"; the check section's restart of a killed member did, once in a few runs here).
 */
final class LoopbackPorts {
    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    /** Below this, the ports that services usually listen on. */
    private static final int LOWEST = 10000;
    /** Fewer candidates than this (a kernel that hands out nearly every port): take what the kernel picks. */
    private static final int ENOUGH = 1000;

    private LoopbackPorts() {
    }

    /** {@code count} ports that are free on {@code address} right now; all held open together, so none is handed out twice. */
    static int[] free(int count, InetAddress address) {
        List<ServerSocket> held = new ArrayList<>();
        try {
            int span = ephemeralLow() - LOWEST;
            if (span < ENOUGH) {
                while (held.size() < count) {
                    held.add(new ServerSocket(0, 1, address));
                }
            } else {
                // From a random place, so that runs started together mostly try different ports.
                int start = ThreadLocalRandom.current().nextInt(span);
                for (int i = 0; i < span && held.size() < count; i++) {
                    try {
                        held.add(new ServerSocket(LOWEST + (start + i) % span, 1, address));
                    } catch (IOException taken) {
                        // in use: the next one
                    }
                }
                if (held.size() < count) {
                    throw new IOException("only " + held.size() + " of " + count + " free from " + LOWEST + " to " + (LOWEST + span - 1));
                }
            }
            return held.stream().mapToInt(ServerSocket::getLocalPort).toArray();
        } catch (IOException e) {
            throw new DemoFailure("cannot find free loopback ports for etcd: " + e.getMessage(), e);
        } finally {
            for (ServerSocket s : held) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing a listening socket we never used cannot lose anything
                }
            }
        }
    }

    /** The lowest port the kernel may give an outgoing connection; its default where that cannot be read. */
    static int ephemeralLow() {
        try {
            // Read by lines: Files.readString takes a /proc file's size, 0, at its word and returns one character.
            return Integer.parseInt(Files.readAllLines(EPHEMERAL_RANGE).get(0).trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 32768;
        }
    }
}
