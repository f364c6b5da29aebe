package dev.etcdpoc.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A loopback port that refuses connections for as long as this is open: a socket bound to it that
 * never listens, so the kernel answers every connection with a reset ("connection refused"), and no
 * other program can bind the port meanwhile. A port found free and let go at once can be taken
 * before the test connects to it: by an etcd another test starts, or a container's published port.
 */
public final class ClosedPort implements AutoCloseable {
    private final Socket socket = new Socket();

    public ClosedPort() {
        try {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + socket.getLocalPort();
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
