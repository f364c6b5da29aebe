package dev.etcdpoc.local;

import dev.etcdpoc.core.DemoFailure;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A TCP proxy on 127.0.0.1 in front of one local port, whose connections can be black-holed: while
 * {@code blocked} says so for a connection, nothing it carries is passed on in either direction, yet
 * both sockets stay open — as when a network drops every packet. Once unblocked, such a connection is
 * closed, and what it held is lost.
 * Each connection may be told apart by what its first request says about its sender ({@code sender}
 * reads that from the head of an HTTP/1 request, up to its first empty line).
 */
final class LoopbackProxy implements AutoCloseable {
    private static final int HEAD_LIMIT = 16 * 1024;
    private static final int BUFFER = 64 * 1024;

    private final ServerSocket listening;
    private final int upstreamPort;
    private final Function<String, String> sender;
    private final Predicate<String> blocked;
    private final Object gate;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * @param sender  from the head of a connection's first request, who sent it (it may answer null:
     *                cannot tell); null: do not read ahead, every connection is from nobody in particular
     * @param blocked whether a connection from that sender (or null) is black-holed right now
     * @param gate    the monitor whose notifyAll() the owner calls when what {@code blocked} says changes
     */
    LoopbackProxy(int upstreamPort, Function<String, String> sender, Predicate<String> blocked, Object gate) {
        this.upstreamPort = upstreamPort;
        this.sender = sender;
        this.blocked = blocked;
        this.gate = gate;
        try {
            listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new DemoFailure("cannot open a loopback port for a proxy: " + e.getMessage(), e);
        }
        Thread acceptor = new Thread(this::acceptAll, "proxy :" + listening.getLocalPort() + " -> :" + upstreamPort);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return listening.getLocalPort();
    }

    private void acceptAll() {
        while (!closed) {
            try {
                Socket downstream = listening.accept();
                open.add(downstream);
                thread(() -> connect(downstream), "proxy connect");
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    /** Reads the first request's head, connects upstream, then passes bytes both ways through the gate. */
    private void connect(Socket downstream) {
        try {
            // Client connections (gRPC, maybe TLS) are not read ahead: their sender does not matter.
            byte[] head = sender == null ? new byte[0] : head(downstream.getInputStream());
            String from = sender == null ? null : sender.apply(new String(head, StandardCharsets.ISO_8859_1));
            Socket upstream = new Socket();
            open.add(upstream);
            upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort), 1000);
            thread(() -> pump(upstream, downstream, from, null), "proxy <-");
            pump(downstream, upstream, from, head);
        } catch (IOException e) {
            closeQuietly(downstream);
        }
    }

    /** Up to and including the first empty line, or what came before the connection closed. */
    private static byte[] head(InputStream in) throws IOException {
        byte[] head = new byte[HEAD_LIMIT];
        int n = 0;
        while (n < HEAD_LIMIT) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head[n++] = (byte) b;
            if (n >= 4 && head[n - 4] == '\r' && head[n - 3] == '\n' && head[n - 2] == '\r' && head[n - 1] == '\n') {
                break;
            }
        }
        return Arrays.copyOf(head, n);
    }

    private void pump(Socket from, Socket to, String sender, byte[] first) {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            if (first != null && first.length > 0) {
                awaitOpen(sender);
                out.write(first);
                out.flush();
            }
            byte[] buffer = new byte[BUFFER];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                awaitOpen(sender);
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // one side closed, or the proxy did: the other side follows below
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    /**
     * Holds the bytes while the connection is black-holed; once it is not, drops the connection with
     * them: what a partition held is lost, as after a partition long enough for TCP to give up, and
     * never arrives late (a write that etcd proposed before the cut would otherwise still commit after
     * the heal, long after its client gave up on it). Each side then connects again.
     */
    private void awaitOpen(String sender) throws InterruptedException, SocketException {
        synchronized (gate) {
            if (!blocked.test(sender)) {
                return;
            }
            while (blocked.test(sender) && !closed) {
                gate.wait(1000);
            }
        }
        throw new SocketException("black-holed: dropped");
    }

    private void closeQuietly(Socket socket) {
        open.remove(socket);
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing is all we wanted
        }
    }

    private static void thread(Runnable body, String name) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() {
        closed = true;
        try {
            listening.close();
        } catch (IOException ignored) {
            // nothing more to accept either way
        }
        open.forEach(this::closeQuietly);
        synchronized (gate) {
            gate.notifyAll();
        }
    }
}
