package dev.vigil.edge;

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
 * generates them there on first start: a CA certificate ({@code ca.crt}, what clients trust with
 * {@code --ca-file}) and a separate EC P-256 server certificate ({@code CA:FALSE}, serverAuth) signed
 * by it. The CA's key signs that one certificate and is discarded, so nothing on the server can mint
 * another certificate its clients would trust. A directory holding the self-signed {@code CA:TRUE}
 * server certificate of earlier versions is regenerated on start (clients must trust the new {@code
 * ca.crt}). {@link #fromFiles} takes an operator's own certificate and key.
 *
 * <p>The server enables TLS 1.3 and, on TLS 1.2, only ECDHE key exchange with AEAD ciphers (AES-GCM,
 * ChaCha20-Poly1305): no CBC, no SHA-1 MACs, no static RSA.
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

  /**
   * Cipher suites the server enables (IANA names, as the JDK spells them): TLS 1.3's, and TLS 1.2's
   * with forward secrecy and authenticated encryption.
   */
  public static final List<String> CIPHER_SUITES =
      List.of(
          "TLS_AES_128_GCM_SHA256",
          "TLS_AES_256_GCM_SHA384",
          "TLS_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
          "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
          "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

  private static final Pattern IPV4 = Pattern.compile("^\\d{1,3}(\\.\\d{1,3}){3}$");

  private final Path certPath;
  private final Path keyPath;
  private final String certPem;
  private final String keyPem;
  private final X509Certificate certificate;
  private final String caPem;

  private TlsMaterial(
      Path certPath,
      Path keyPath,
      String certPem,
      String keyPem,
      X509Certificate certificate,
      String caPem) {
    this.certPath = certPath;
    this.keyPath = keyPath;
    this.certPem = certPem;
    this.keyPem = keyPem;
    this.certificate = certificate;
    this.caPem = caPem;
  }

  /**
   * Loads {@code server.crt} and {@code server.key} from {@code tlsDir}, or generates a CA ({@code
   * ca.crt}) and a server certificate signed by it, valid for localhost, 127.0.0.1, ::1, this
   * machine's host name and {@code extraHostnames} (names or IP literals), and writes them there. A
   * server certificate that is its own CA (written by earlier versions) is replaced the same way.
   */
  public static TlsMaterial loadOrCreate(Path tlsDir, List<String> extraHostnames) {
    Path cert = tlsDir.resolve(CERT_FILE);
    Path key = tlsDir.resolve(KEY_FILE);
    Path ca = tlsDir.resolve(CA_FILE);
    if (Files.exists(cert) && Files.exists(key)) {
      TlsMaterial existing = fromFiles(cert, key);
      if (existing.certificate().getBasicConstraints() < 0) {
        return existing.withCaPem(ca);
      }
      log.warn("the generated server certificate in {} is its own CA (CA:TRUE, written by an earlier"
          + " version): generating a CA and a separate server certificate; clients and webhook"
          + " kubeconfigs must trust the new {}", tlsDir, CA_FILE);
    }
    try {
      Files.createDirectories(tlsDir);
      Generated generated = generate(subjectNames(extraHostnames));
      writePrivate(key, generated.keyPem());
      writeAtomically(cert, generated.certPem());
      writeAtomically(ca, generated.caPem());
      log.info("generated a CA and a TLS server certificate signed by it in {}; clients trust {}",
          tlsDir, CA_FILE);
      return fromFiles(cert, key).withCaPem(ca);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write TLS material to " + tlsDir, e);
    }
  }

  private TlsMaterial withCaPem(Path caFile) {
    try {
      String pem =
          Files.exists(caFile) ? Files.readString(caFile, StandardCharsets.US_ASCII) : certPem;
      return new TlsMaterial(certPath, keyPath, certPem, keyPem, certificate, pem);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + caFile, e);
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
      return new TlsMaterial(certFile, keyFile, certPem, keyPem, leaf, certPem);
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

  /**
   * Enables TLS on {@code options} with this certificate: TLSv1.2 and TLSv1.3 only, with {@link
   * #CIPHER_SUITES} only.
   */
  public HttpServerOptions applyTo(HttpServerOptions options) {
    options.setSsl(true).setKeyCertOptions(pemKeyCertOptions());
    options.setEnabledSecureTransportProtocols(PROTOCOLS);
    for (String suite : CIPHER_SUITES) {
      options.addEnabledCipherSuite(suite);
    }
    return options;
  }

  public Path certPath() {
    return certPath;
  }

  public Path keyPath() {
    return keyPath;
  }

  /**
   * What clients must trust: the generated CA's certificate, or for an operator's certificate that
   * certificate (chain) itself.
   */
  public String caPem() {
    return caPem;
  }

  public X509Certificate certificate() {
    return certificate;
  }

  /** An SSL context for Java clients ({@code java.net.http.HttpClient}) trusting the PEM CA file. */
  public static SSLContext clientContextTrusting(Path caFile) {
    String pem;
    try {
      pem = Files.readString(caFile, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read CA file " + caFile, e);
    }
    return clientContextTrustingPem(pem, caFile.toString());
  }

  /**
   * An SSL context for Java clients trusting exactly the PEM certificates in {@code pem}.
   *
   * @param source what the PEM is, for messages
   * @throws IllegalArgumentException when {@code pem} holds no certificate or one that cannot be read
   */
  public static SSLContext clientContextTrustingPem(String pem, String source) {
    List<X509Certificate> cas;
    try {
      cas = readCertificates(pem);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(source + " is not a PEM certificate: " + e.getMessage(), e);
    }
    if (cas.isEmpty()) {
      throw new IllegalArgumentException(source + " holds no PEM certificate");
    }
    try {
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
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot build a TLS context trusting " + source, e);
    }
  }

  private record Generated(String certPem, String keyPem, String caPem) {}

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
      KeyPair caPair = generator.generateKeyPair();
      KeyPair serverPair = generator.generateKeyPair();
      JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
      Instant now = Instant.now();
      Date notBefore = Date.from(now.minus(Duration.ofHours(1)));
      Date notAfter = Date.from(now.plus(VALIDITY));

      // The CA signs exactly one certificate (pathLen 0: no intermediate) and its key is then dropped.
      X500Name caName = new X500Name("CN=Vigil generated CA " + Long.toHexString(now.toEpochMilli()) + ",O=Vigil");
      X509v3CertificateBuilder caBuilder =
          new JcaX509v3CertificateBuilder(
              caName, serial(), notBefore, notAfter, caName, caPair.getPublic());
      caBuilder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      caBuilder.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      caBuilder.addExtension(
          Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(caPair.getPublic()));
      X509Certificate caCert =
          new JcaX509CertificateConverter()
              .getCertificate(
                  caBuilder.build(
                      new JcaContentSignerBuilder("SHA256withECDSA").build(caPair.getPrivate())));

      List<GeneralName> sans = new ArrayList<>();
      for (String name : names) {
        boolean ip = IPV4.matcher(name).matches() || name.contains(":");
        sans.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, name));
      }
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              caCert, serial(), notBefore, notAfter, new X500Name("CN=Vigil server,O=Vigil"),
              serverPair.getPublic());
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      builder.addExtension(
          Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      builder.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(sans.toArray(new GeneralName[0])));
      builder.addExtension(
          Extension.subjectKeyIdentifier,
          false,
          utils.createSubjectKeyIdentifier(serverPair.getPublic()));
      builder.addExtension(
          Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(caCert));
      X509Certificate cert =
          new JcaX509CertificateConverter()
              .getCertificate(
                  builder.build(
                      new JcaContentSignerBuilder("SHA256withECDSA").build(caPair.getPrivate())));
      return new Generated(
          pem(cert), pem(new JcaPKCS8Generator(serverPair.getPrivate(), null)), pem(caCert));
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot generate the TLS certificates", e);
    }
  }

  private static BigInteger serial() {
    return new BigInteger(127, new SecureRandom()).add(BigInteger.ONE);
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
