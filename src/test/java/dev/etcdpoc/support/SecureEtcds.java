package dev.etcdpoc.support;

import static dev.etcdpoc.core.Bytes.bytes;

import dev.etcdpoc.connect.ClientFactory;
import dev.etcdpoc.connect.ClientTls;
import dev.etcdpoc.connect.Credentials;
import dev.etcdpoc.core.Await;
import dev.etcdpoc.core.Endpoints;
import dev.etcdpoc.local.LocalEtcd;
import dev.etcdpoc.local.ServerTls;
import io.etcd.jetcd.Auth;
import io.etcd.jetcd.Client;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * etcd secured the ways production runs it, each a local process started on first use and shared
 * by the tests: with auth enabled, with TLS, with mutual TLS, and with TLS under a certificate
 * for another host. The certificates are made for this run ({@link TestPki}).
 */
public final class SecureEtcds implements AutoCloseable {
    /** The root password of {@link #auth()}: random, so no test can depend on a known one. */
    public static final String ROOT_PASSWORD = UUID.randomUUID().toString();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final TestPki pki = TestPki.create();
    private final List<LocalEtcd> started = new ArrayList<>();
    private Endpoints auth;
    private Endpoints tls;
    private Endpoints mtls;
    private Endpoints wrongSan;

    public TestPki pki() {
        return pki;
    }

    public static Credentials root() {
        return new Credentials("root", ROOT_PASSWORD);
    }

    /** Plain http, auth enabled: only user root (password {@link #ROOT_PASSWORD}) exists. */
    public synchronized Endpoints auth() {
        if (auth == null) {
            auth = start(null).endpoints();
            enableAuth(auth);
        }
        return auth;
    }

    /** https with a certificate for 127.0.0.1 signed by {@link TestPki#ca}; any client may connect. */
    public synchronized Endpoints tls() {
        if (tls == null) {
            tls = start(ServerTls.server(pki.serverCert, pki.serverKey)).endpoints();
        }
        return tls;
    }

    /** As {@link #tls()}, and only clients with a certificate signed by {@link TestPki#ca} may connect. */
    public synchronized Endpoints mtls() {
        if (mtls == null) {
            mtls = start(ServerTls.server(pki.serverCert, pki.serverKey).requireClientCertificates(pki.ca)).endpoints();
        }
        return mtls;
    }

    /** https on 127.0.0.1 with a certificate signed by {@link TestPki#ca} that names another host. */
    public synchronized Endpoints wrongSan() {
        if (wrongSan == null) {
            wrongSan = start(ServerTls.server(pki.wrongSanCert, pki.wrongSanKey)).endpoints();
        }
        return wrongSan;
    }

    /** Root's client for {@link #auth()}, for tests that look at users, roles and keys. */
    public Client rootClient() {
        return new ClientFactory(TIMEOUT, root(), null, "").create(auth());
    }

    /** A client for {@link #tls()} or {@link #mtls()} with the test CA and client certificate. */
    public Client tlsClient(Endpoints endpoints) {
        return new ClientFactory(TIMEOUT, null, ClientTls.context(
            new ClientTls.PemFile("ca", pki.ca), new ClientTls.PemFile("cert", pki.clientCert),
            new ClientTls.PemFile("key", pki.clientKey)), "").create(endpoints);
    }

    private LocalEtcd start(ServerTls tlsConfig) {
        LocalEtcd etcd = LocalEtcd.start(1, tlsConfig);
        started.add(etcd);
        return etcd;
    }

    /** etcdctl user add root; etcdctl user grant-role root root; etcdctl auth enable. */
    private static void enableAuth(Endpoints endpoints) {
        try (Client client = new ClientFactory(TIMEOUT).create(endpoints)) {
            Auth auth = client.getAuthClient();
            Await.result(auth.userAdd(bytes("root"), bytes(ROOT_PASSWORD)), TIMEOUT, "user add root");
            Await.result(auth.userGrantRole(bytes("root"), bytes("root")), TIMEOUT, "grant root the root role");
            Await.result(auth.authEnable(), TIMEOUT, "auth enable");
        }
    }

    @Override
    public synchronized void close() {
        started.forEach(LocalEtcd::close);
        pki.close();
    }
}
