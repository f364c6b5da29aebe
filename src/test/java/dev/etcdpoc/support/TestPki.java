package dev.etcdpoc.support;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates made for one test run, in a temp dir, so none is committed: a CA, a server
 * certificate for 127.0.0.1 and one for another address, a client certificate, a second CA that
 * signed none of them, and files that are not what they claim. EC P-256 keys: quick to make.
 */
public final class TestPki implements AutoCloseable {
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    public final Path dir;
    /** The CA that signed the server and client certificates. */
    public final Path ca;
    /** A CA that signed nothing we use. */
    public final Path otherCa;
    /** Server certificate with IP SANs 127.0.0.1 and ::1 (server and client use, as etcd's own gateway needs). */
    public final Path serverCert;
    public final Path serverKey;
    /** Server certificate signed by {@link #ca} but naming 10.255.255.1 and etcd.example.invalid only. */
    public final Path wrongSanCert;
    public final Path wrongSanKey;
    /** Client certificate (CN demo-client) signed by {@link #ca}. */
    public final Path clientCert;
    public final Path clientKey;
    /** The client key in the traditional "BEGIN EC PRIVATE KEY" format, which the demo does not read. */
    public final Path clientKeyTraditional;
    /** A text file that is no certificate. */
    public final Path notACertificate;

    private TestPki(Path dir) throws GeneralSecurityException, IOException, OperatorCreationException {
        this.dir = dir;
        KeyPair caKeys = keys();
        X509CertificateHolder caCert = caCertificate("etcd-poc test CA", caKeys);
        ca = write("ca.pem", caCert);
        otherCa = write("other-ca.pem", caCertificate("some other CA", keys()));

        KeyPair serverKeys = keys();
        serverCert = write("server.pem", signed(caCert, caKeys, "127.0.0.1", serverKeys, true,
            new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.iPAddress, "::1")));
        serverKey = writeKey("server-key.pem", serverKeys);

        KeyPair wrongKeys = keys();
        wrongSanCert = write("wrong-san.pem", signed(caCert, caKeys, "etcd.example.invalid", wrongKeys, true,
            new GeneralName(GeneralName.iPAddress, "10.255.255.1"), new GeneralName(GeneralName.dNSName, "etcd.example.invalid")));
        wrongSanKey = writeKey("wrong-san-key.pem", wrongKeys);

        KeyPair clientKeys = keys();
        clientCert = write("client.pem", signed(caCert, caKeys, "demo-client", clientKeys, false));
        clientKey = writeKey("client-key.pem", clientKeys);
        clientKeyTraditional = write("client-key-traditional.pem", clientKeys.getPrivate());

        notACertificate = Files.writeString(dir.resolve("not-a-cert.pem"), "this is not a certificate\n");
    }

    /** A fresh set in a new temp dir. */
    public static TestPki create() {
        try {
            return new TestPki(Files.createTempDirectory("etcd-poc-pki-"));
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes the files. */
    @Override
    public void close() {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static KeyPair keys() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static X509CertificateHolder caCertificate(String name, KeyPair keys) throws IOException, OperatorCreationException {
        X500Name subject = new X500Name("CN=" + name);
        return new JcaX509v3CertificateBuilder(subject, serial(), notBefore(), notAfter(), subject, keys.getPublic())
            .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
            .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
            .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()));
    }

    private static X509CertificateHolder signed(X509CertificateHolder ca, KeyPair caKeys, String commonName, KeyPair keys,
                                                boolean server, GeneralName... names) throws IOException, OperatorCreationException {
        KeyPurposeId[] purposes = server
            ? new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}
            : new KeyPurposeId[] {KeyPurposeId.id_kp_clientAuth};
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(ca.getSubject(), serial(), notBefore(), notAfter(),
            new X500Name("CN=" + commonName), keys.getPublic())
            .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
            .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
            .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes));
        if (names.length > 0) {
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
        }
        return builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate()));
    }

    private static BigInteger serial() {
        return BigInteger.valueOf(SERIAL.incrementAndGet());
    }

    private static Date notBefore() {
        return Date.from(Instant.now().minus(Duration.ofHours(1)));
    }

    private static Date notAfter() {
        return Date.from(Instant.now().plus(Duration.ofDays(1)));
    }

    private Path write(String name, Object pemObject) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
            pem.writeObject(pemObject);
        }
        return Files.writeString(dir.resolve(name), text.toString());
    }

    /** PKCS#8, "BEGIN PRIVATE KEY": what Netty reads without BouncyCastle. */
    private Path writeKey(String name, KeyPair keys) throws IOException {
        return write(name, new JcaPKCS8Generator(keys.getPrivate(), null).generate());
    }
}
