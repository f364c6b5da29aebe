package dev.etcdpoc.local;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * TLS for a local member's client port: the server's certificate and key (PEM files), and, for mutual
 * TLS, the CA whose client certificates etcd accepts ({@code null}: any client may connect).
 */
public record ServerTls(Path cert, Path key, Path clientCa) {
    public static ServerTls server(Path cert, Path key) {
        return new ServerTls(cert, key, null);
    }

    /** The same server certificate, and etcd refuses clients without a certificate signed by {@code ca}. */
    public ServerTls requireClientCertificates(Path ca) {
        return new ServerTls(cert, key, ca);
    }

    /** etcd's flags for it. */
    List<String> flags() {
        List<String> flags = new ArrayList<>(List.of("--cert-file", cert.toString(), "--key-file", key.toString()));
        if (clientCa != null) {
            flags.addAll(List.of("--client-cert-auth", "--trusted-ca-file", clientCa.toString()));
        }
        return flags;
    }
}
