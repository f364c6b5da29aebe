package dev.etcdpoc.support;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A loopback port held for a test, where no etcd answers: one that refuses connections, or one
 * that accepts them and never says a word. Held, not found free and let go: the kernel picks it from
 * its range for local ports (32768-60999 by default), where Docker picks the host ports it publishes
 * containers on too, so with the container backend a port let go can be a container's before the
 * test connects. (The members LocalEtcd starts listen below that range: LoopbackPorts.)
 */
public record LoopbackPort(Closeable socket, int port) implements AutoCloseable {

    /**
     * A socket bound to the port that never listens: the kernel answers every connection with a reset
     * ("connection refused"), and no other program can bind the port meanwhile.
     */
    public static LoopbackPort refusing() {
        Socket bound = new Socket();
        try {
            bound.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return new LoopbackPort(bound, bound.getLocalPort());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A listening socket that never accepts: the kernel completes the handshake for connections
     * queued in its backlog, so a client connects and then waits forever.
     */
    public static LoopbackPort silent() {
        try {
            ServerSocket listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            return new LoopbackPort(listening, listening.getLocalPort());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
