package dev.vigil.ingest;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
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
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server certificate and key of the HTTPS port.
 *
 * <p>{@link #loadOrCreate} loads {@code server.crt} and {@code server.key} (PEM) from a directory, or
 * generates a self-signed EC P-256 certificate there on first start, together with {@code ca.crt}:
 * the certificate clients trust with {@code --ca-file}. {@link #fromFiles} takes an operator's own
 * certificate and key.
 */
public final class TlsMaterial {
  private static final Logger log = LoggerFactory.getLogger(TlsMaterial.class);

  public static final String CERT_FILE = "server.crt";
  public static final String KEY_FILE = "server.key";
  public static final String CA_FILE = "ca.crt";

  /** Validity of a generated certificate. */
  static final Duration VALIDITY = Duration.ofDays(730);

  /** TLS versions the server enables; older ones are off. */
  public static final Set<String> PROTOCOLS = Set.of("TLSv1.2", "TLSv1.3");

  private static final Pattern IPV4 = Pattern.compile("^\\d{1,3}(\\.\\d{1,3}){3}$");

  private final Path certPath;
  private final Path keyPath;
  private final String certPem;
  private final String keyPem;
  private final X509Certificate certificate;

  private TlsMaterial(
      Path certPath, Path keyPath, String certPem, String keyPem, X509Certificate certificate) {
    this.certPath = certPath;
    this.keyPath = keyPath;
    this.certPem = certPem;
    this.keyPem = keyPem;
    this.certificate = certificate;
  }

  /**
   * Loads {@code server.crt} and {@code server.key} from {@code tlsDir}, or generates a self-signed
   * certificate valid for localhost, 127.0.0.1, ::1, this machine's host name and {@code
   * extraHostnames} (names or IP literals), and writes it with {@code ca.crt} there.
   */
  public static TlsMaterial loadOrCreate(Path tlsDir, List<String> extraHostnames) {
    Path cert = tlsDir.resolve(CERT_FILE);
    Path key = tlsDir.resolve(KEY_FILE);
    if (Files.exists(cert) && Files.exists(key)) {
      return fromFiles(cert, key);
    }
    try {
      Files.createDirectories(tlsDir);
      Generated generated = generate(subjectNames(extraHostnames));
      writePrivate(key, generated.keyPem());
      writeAtomically(cert, generated.certPem());
      writeAtomically(tlsDir.resolve(CA_FILE), generated.certPem());
      log.info("generated a self-signed TLS certificate in {}; clients trust {}", tlsDir, CA_FILE);
      return fromFiles(cert, key);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write TLS material to " + tlsDir, e);
    }
  }

  /** Loads an operator-provided PEM certificate (chain) and private key, and checks they match. */
  public static TlsMaterial fromFiles(Path certFile, Path keyFile) {
    try {
      String certPem = Files.readString(certFile, StandardCharsets.US_ASCII);
      String keyPem = Files.readString(keyFile, StandardCharsets.US_ASCII);
      List<X509Certificate> chain = readCertificates(certPem);
      if (chain.isEmpty()) {
        throw new IllegalArgumentException(certFile + " holds no PEM certificate");
      }
      PrivateKey key = readPrivateKey(keyPem, keyFile);
      X509Certificate leaf = chain.get(0);
      requireMatching(leaf, key, certFile, keyFile);
      return new TlsMaterial(certFile, keyFile, certPem, keyPem, leaf);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read TLS material " + certFile + ", " + keyFile, e);
    }
  }

  /** The certificate and key for a Vert.x server. */
  public PemKeyCertOptions pemKeyCertOptions() {
    return new PemKeyCertOptions()
        .addCertValue(Buffer.buffer(certPem))
        .addKeyValue(Buffer.buffer(keyPem));
  }

  /** Enables TLS on {@code options} with this certificate, TLSv1.2 and TLSv1.3 only. */
  public HttpServerOptions applyTo(HttpServerOptions options) {
    options.setSsl(true).setKeyCertOptions(pemKeyCertOptions());
    options.setEnabledSecureTransportProtocols(PROTOCOLS);
    return options;
  }

  public Path certPath() {
    return certPath;
  }

  public Path keyPath() {
    return keyPath;
  }

  /** The certificate PEM text: for a self-signed certificate, what clients must trust. */
  public String caPem() {
    return certPem;
  }

  public X509Certificate certificate() {
    return certificate;
  }

  /** An SSL context for Java clients ({@code java.net.http.HttpClient}) trusting the PEM CA file. */
  public static SSLContext clientContextTrusting(Path caFile) {
    try {
      List<X509Certificate> cas =
          readCertificates(Files.readString(caFile, StandardCharsets.US_ASCII));
      if (cas.isEmpty()) {
        throw new IllegalArgumentException(caFile + " holds no PEM certificate");
      }
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      for (int i = 0; i < cas.size(); i++) {
        trust.setCertificateEntry("ca-" + i, cas.get(i));
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), new SecureRandom());
      return context;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read CA file " + caFile, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot build a TLS context trusting " + caFile, e);
    }
  }

  private record Generated(String certPem, String keyPem) {}

  static Set<String> subjectNames(List<String> extraHostnames) {
    Set<String> names = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", "::1"));
    try {
      String host = InetAddress.getLocalHost().getHostName();
      if (host != null && !host.isBlank()) {
        names.add(host.toLowerCase(Locale.ROOT));
      }
    } catch (IOException e) {
      log.debug("no local host name for the certificate: {}", e.toString());
    }
    for (String extra : extraHostnames == null ? List.<String>of() : extraHostnames) {
      if (extra != null && !extra.isBlank()) {
        names.add(extra.trim().toLowerCase(Locale.ROOT));
      }
    }
    return names;
  }

  private static Generated generate(Set<String> names) throws IOException {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
      KeyPair pair = generator.generateKeyPair();
      X500Name subject = new X500Name("CN=Vigil self-signed,O=Vigil");
      Instant now = Instant.now();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              subject,
              new BigInteger(128, new SecureRandom()),
              Date.from(now.minus(Duration.ofHours(1))),
              Date.from(now.plus(VALIDITY)),
              subject,
              pair.getPublic());
      List<GeneralName> sans = new ArrayList<>();
      for (String name : names) {
        boolean ip = IPV4.matcher(name).matches() || name.contains(":");
        sans.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, name));
      }
      JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
      // CA:true lets the JDK take this self-signed certificate as its own trust anchor.
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      builder.addExtension(
          Extension.keyUsage,
          true,
          new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyCertSign));
      builder.addExtension(
          Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      builder.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(sans.toArray(new GeneralName[0])));
      builder.addExtension(
          Extension.subjectKeyIdentifier,
          false,
          utils.createSubjectKeyIdentifier(pair.getPublic()));
      X509CertificateHolder holder =
          builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate()));
      X509Certificate cert = new JcaX509CertificateConverter().getCertificate(holder);
      return new Generated(pem(cert), pem(new JcaPKCS8Generator(pair.getPrivate(), null)));
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot generate a self-signed certificate", e);
    }
  }

  private static String pem(Object object) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    }
    return out.toString();
  }

  private static List<X509Certificate> readCertificates(String pem) {
    try (InputStream in = new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))) {
      Collection<? extends Certificate> certs =
          CertificateFactory.getInstance("X.509").generateCertificates(in);
      List<X509Certificate> out = new ArrayList<>();
      for (Certificate cert : certs) {
        out.add((X509Certificate) cert);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not a PEM certificate: " + e.getMessage(), e);
    }
  }

  private static PrivateKey readPrivateKey(String pem, Path keyFile) throws IOException {
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      Object object = parser.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (object instanceof PrivateKeyInfo) {
        return converter.getPrivateKey((PrivateKeyInfo) object);
      }
      if (object instanceof PEMKeyPair) {
        return converter.getKeyPair((PEMKeyPair) object).getPrivate();
      }
      throw new IllegalArgumentException(
          keyFile + " holds no unencrypted PEM private key (PKCS#8, EC or RSA)");
    }
  }

  private static void requireMatching(
      X509Certificate cert, PrivateKey key, Path certFile, Path keyFile) {
    String algorithm = "EC".equals(key.getAlgorithm()) ? "SHA256withECDSA" : "SHA256withRSA";
    try {
      byte[] probe = "vigil-key-check".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(cert.getPublicKey());
      verifier.update(probe);
      if (!verifier.verify(signature)) {
        throw new IllegalArgumentException(keyFile + " is not the private key of " + certFile);
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          keyFile + " does not match " + certFile + ": " + e.getMessage(), e);
    }
  }

  /** Writes a file readable by its owner only, created with that mode so it is never exposed. */
  private static void writePrivate(Path file, String content) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    try {
      Files.createFile(
          tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(tmp);
    } catch (FileAlreadyExistsException e) {
      throw new IOException("concurrent creation of " + tmp, e);
    }
    Files.writeString(tmp, content, StandardCharsets.US_ASCII);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static void writeAtomically(Path file, String content) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, content, StandardCharsets.US_ASCII);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
