package dev.etcdpoc.connect;

import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/**
 * The TLS side of a connection to https endpoints: which CA vouches for etcd's certificate and,
 * for mutual TLS, the client's certificate and key. The files are read and checked here, up
 * front, so a wrong file is a usage error naming the option, not a failed handshake later.
 */
public final class ClientTls {
    private static final Pattern PKCS8 = Pattern.compile(
        "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

    /** A file given on the command line or in the environment, and the name to blame in messages ("--cacert" or "ETCD_CACERT"). */
    public record PemFile(String option, Path path) {
    }

    private ClientTls() {
    }

    /**
     * The SslContext for https endpoints. Without {@code caCert} etcd's certificate must chain to one of
     * the JDK's trusted CAs; without {@code cert} (and {@code key}) no client certificate is offered.
     * gRPC checks the certificate's names against the host of each endpoint (see ClientFactory).
     *
     * @throws IllegalArgumentException a usage error naming the option and what is wrong with its file
     */
    public static SslContext context(PemFile caCert, PemFile cert, PemFile key) {
        SslContextBuilder builder = GrpcSslContexts.forClient();
        if (caCert != null) {
            builder.trustManager(certificates(caCert).toArray(X509Certificate[]::new));
        }
        if (cert != null) {
            List<X509Certificate> chain = certificates(cert);
            builder.keyManager(privateKey(key, cert, chain.get(0)), chain.toArray(X509Certificate[]::new));
        }
        try {
            return builder.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot set up TLS with these files: " + e.getMessage());
        }
    }

    private static List<X509Certificate> certificates(PemFile file) {
        byte[] content = read(file);
        try {
            List<X509Certificate> certificates = CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(content)).stream()
                .map(X509Certificate.class::cast).toList();
            if (!certificates.isEmpty()) {
                return certificates;
            }
        } catch (CertificateException e) {
            // not a certificate: said below
        }
        throw new IllegalArgumentException(file.option() + " file '" + file.path()
            + "' is not a PEM certificate (-----BEGIN CERTIFICATE-----)");
    }

    /**
     * The key, if it is the one of {@code cert}: a wrong key file would otherwise surface as a refused
     * handshake. Only unencrypted PKCS#8, which Netty reads without BouncyCastle; guides for etcd often
     * make PKCS#1 ("BEGIN RSA PRIVATE KEY") keys, hence the conversion command in the message.
     */
    private static PrivateKey privateKey(PemFile file, PemFile certFile, X509Certificate cert) {
        Matcher pem = PKCS8.matcher(new String(read(file), StandardCharsets.US_ASCII));
        if (!pem.find()) {
            throw new IllegalArgumentException(file.option() + " file '" + file.path()
                + "' is not an unencrypted PKCS#8 PEM key (-----BEGIN PRIVATE KEY-----); convert it with "
                + "'openssl pkcs8 -topk8 -nocrypt -in " + file.path() + " -out key.pk8.pem'");
        }
        try {
            byte[] der = Base64.getMimeDecoder().decode(pem.group(1));
            PrivateKey key = KeyFactory.getInstance(cert.getPublicKey().getAlgorithm()).generatePrivate(new PKCS8EncodedKeySpec(der));
            if (signs(key, cert)) {
                return key;
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            // not a key of the certificate's kind: said below
        }
        throw new IllegalArgumentException(file.option() + " file '" + file.path()
            + "' is not the private key of the client certificate in " + certFile.option() + " file '" + certFile.path() + "'");
    }

    /** True when what {@code key} signs, {@code cert}'s public key verifies: they are a pair. */
    private static boolean signs(PrivateKey key, X509Certificate cert) throws GeneralSecurityException {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "EdDSA", "Ed25519", "Ed448" -> "EdDSA";
            default -> null;
        };
        if (algorithm == null) {
            return true; // a kind we cannot check here; the handshake will
        }
        byte[] probe = "etcd-poc key check".getBytes(StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(probe);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(cert.getPublicKey());
        verifier.update(probe);
        return verifier.verify(signature);
    }

    private static byte[] read(PemFile file) {
        if (!Files.exists(file.path())) {
            throw new IllegalArgumentException(file.option() + " file '" + file.path() + "' does not exist");
        }
        try {
            return Files.readAllBytes(file.path());
        } catch (IOException e) {
            throw new IllegalArgumentException(file.option() + " file '" + file.path() + "' cannot be read: " + e.getMessage());
        }
    }
}
