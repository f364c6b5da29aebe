package dev.etcdpoc.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One HTTP request to a member this run started, over a plain socket: its /health, and etcd's JSON
 * gateway on its client port. Not {@code java.net.http.HttpClient}: building one sets up TLS (the
 * JDK's default SSLContext) and a selector thread, some 700 classes loaded before the first probe
 * of a throwaway etcd, for requests that are plain http on the loopback. HTTP/1.0, so the member
 * answers with the body and closes, never in chunks.
 */
final class PlainHttp {
    private static final Duration CONNECT = Duration.ofSeconds(1);
    private static final Duration READ = Duration.ofSeconds(2);

    private PlainHttp() {
    }

    /** The body of GET {@code url}, or "" when nothing answers (yet). */
    static String get(String url) {
        return send("GET", url, null);
    }

    /** The body of POST {@code url} with a JSON {@code body}, or "" when nothing answers (yet). */
    static String post(String url, String body) {
        return send("POST", url, body);
    }

    /**
     * An https URL (a member serving TLS on its client port) gets "" too: nothing here could check
     * its certificate, and its /health is on the plain-http metrics port anyway.
     */
    private static String send(String method, String url, String body) {
        URI uri = URI.create(url);
        if (!"http".equals(uri.getScheme())) {
            return "";
        }
        byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        String head = method + " " + uri.getRawPath() + " HTTP/1.0\r\n"
            + "Host: " + uri.getRawAuthority() + "\r\n"
            + (body == null ? "" : "Content-Type: application/json\r\nContent-Length: " + content.length + "\r\n")
            + "\r\n";
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), (int) CONNECT.toMillis());
            socket.setSoTimeout((int) READ.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(content);
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int bodyStart = response.indexOf("\r\n\r\n");
            return bodyStart < 0 ? "" : response.substring(bodyStart + 4);
        } catch (IOException e) {
            return "";
        }
    }
}
