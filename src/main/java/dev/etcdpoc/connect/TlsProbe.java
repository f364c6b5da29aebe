package dev.etcdpoc.connect;

import dev.etcdpoc.core.Failures;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.security.cert.CertificateException;
import java.time.Duration;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * Asks a server that dropped a plain-http connection whether it speaks TLS. A TLS etcd closes a
 * plain gRPC connection without a word, which gRPC reports as "Network closed for unknown
 * reason"; a TLS handshake tells that apart from a dying server. Nothing is sent after the
 * handshake, and no certificate is trusted by it.
 */
final class TlsProbe {
    private TlsProbe() {
    }

    /** True when the server at {@code uri}'s host and port answers a TLS handshake as a TLS server would. */
    static boolean speaksTls(URI uri, Duration timeout) {
        int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), millis);
            plain.setSoTimeout(millis);
            try (SSLSocket tls = (SSLSocket) ((SSLSocketFactory) SSLSocketFactory.getDefault())
                .createSocket(plain, uri.getHost(), uri.getPort(), false)) {
                tls.startHandshake();
                return true;
            }
        } catch (SSLHandshakeException e) {
            // A certificate we do not trust, or a TLS alert (such as "client certificate required"),
            // still means the other side speaks TLS; an EOF or a non-TLS answer means it does not.
            return Failures.find(e, CertificateException.class).isPresent() || String.valueOf(e.getMessage()).startsWith("Received fatal alert");
        } catch (IOException e) {
            return false;
        }
    }
}
