package dev.vigil.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsMaterialTest {

  @TempDir Path dir;

  @Test
  void generatesACaAndAServerCertificateSignedByItForLocalNamesAndTheGivenOnes() throws Exception {
    TlsMaterial tls = TlsMaterial.loadOrCreate(dir, List.of("vigil.example.org", "10.1.2.3"));

    X509Certificate cert = tls.certificate();
    X509Certificate ca = pemCertificate(Files.readString(dir.resolve("ca.crt")));
    assertThat(cert.getPublicKey().getAlgorithm()).isEqualTo("EC");
    assertThat(cert.getSigAlgName()).isEqualTo("SHA256withECDSA");
    // The server certificate cannot sign certificates: CA:FALSE, no keyCertSign, serverAuth only.
    assertThat(cert.getBasicConstraints()).isEqualTo(-1);
    assertThat(cert.getKeyUsage()[5]).isFalse();
    assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
    cert.verify(ca.getPublicKey());
    assertThat(cert.getIssuerX500Principal()).isEqualTo(ca.getSubjectX500Principal());
    assertThat(ca.getBasicConstraints()).isZero();
    assertThat(ca.getPublicKey()).isNotEqualTo(cert.getPublicKey());
    ca.verify(ca.getPublicKey());
    // The CA key is not kept: the directory holds one private key, the server's.
    try (var files = Files.list(dir)) {
      assertThat(files.map(f -> f.getFileName().toString())).containsExactlyInAnyOrder(
          "server.crt", "server.key", "ca.crt");
    }
    assertThat(Duration.between(Instant.now(), cert.getNotAfter().toInstant()).toDays())
        .isBetween(700L, 731L);
    List<String> sans =
        cert.getSubjectAlternativeNames().stream()
            .map(san -> san.get(1).toString())
            .collect(Collectors.toList());
    assertThat(sans).contains("localhost", "127.0.0.1", "vigil.example.org", "10.1.2.3");
    assertThat(sans).anyMatch(s -> s.equals("0:0:0:0:0:0:0:1") || s.equals("::1"));

    assertThat(Files.readString(dir.resolve("ca.crt"))).isEqualTo(tls.caPem());
    assertThat(Files.readString(dir.resolve("server.key"))).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("server.key"))))
        .isEqualTo("rw-------");
    assertThat(tls.certPath()).isEqualTo(dir.resolve("server.crt"));
  }

  @Test
  void secondStartReloadsTheSameCertificate() {
    TlsMaterial first = TlsMaterial.loadOrCreate(dir, List.of());
    TlsMaterial second = TlsMaterial.loadOrCreate(dir, List.of("ignored.example.org"));

    assertThat(second.certificate()).isEqualTo(first.certificate());
    assertThat(second.caPem()).isEqualTo(first.caPem());
  }

  @Test
  void anOldSelfSignedCaTrueServerCertificateIsReplacedByACaAndAServerCertificate() throws Exception {
    writeOldSelfSignedMaterial(dir);
    X509Certificate old = pemCertificate(Files.readString(dir.resolve("server.crt")));
    assertThat(old.getBasicConstraints()).isGreaterThanOrEqualTo(0);

    TlsMaterial tls = TlsMaterial.loadOrCreate(dir, List.of());

    assertThat(tls.certificate()).isNotEqualTo(old);
    assertThat(tls.certificate().getBasicConstraints()).isEqualTo(-1);
    X509Certificate ca = pemCertificate(Files.readString(dir.resolve("ca.crt")));
    tls.certificate().verify(ca.getPublicKey());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("server.key"))))
        .isEqualTo("rw-------");
  }

  @Test
  void tls12OffersOnlyEcdheAeadSuitesAndTls13Works() throws Exception {
    TlsMaterial tls = TlsMaterial.loadOrCreate(dir, List.of());
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    try {
      var server = vertx.createHttpServer(tls.applyTo(new io.vertx.core.http.HttpServerOptions()
              .setHost("127.0.0.1").setPort(0)))
          .requestHandler(r -> r.response().end("ok"))
          .listen().toCompletionStage().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
      javax.net.ssl.SSLContext client = TlsMaterial.clientContextTrusting(dir.resolve("ca.crt"));
      int port = server.actualPort();

      assertThat(handshake(client, port, "TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA")).isNull();
      assertThat(handshake(client, port, "TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384")).isNull();
      assertThat(handshake(client, port, "TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"))
          .isEqualTo("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
      assertThat(handshake(client, port, "TLSv1.2", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"))
          .isEqualTo("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256");
      assertThat(handshake(client, port, "TLSv1.3", "TLS_AES_128_GCM_SHA256"))
          .isEqualTo("TLS_AES_128_GCM_SHA256");
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  /** The suite negotiated by a client offering only {@code suite} on {@code protocol}; null when refused. */
  private static String handshake(javax.net.ssl.SSLContext context, int port, String protocol, String suite)
      throws java.io.IOException {
    try (javax.net.ssl.SSLSocket socket =
        (javax.net.ssl.SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.setEnabledProtocols(new String[] {protocol});
      socket.setEnabledCipherSuites(new String[] {suite});
      socket.startHandshake();
      return socket.getSession().getCipherSuite();
    } catch (javax.net.ssl.SSLException refused) {
      return null;
    }
  }

  private static X509Certificate pemCertificate(String pem) throws Exception {
    return (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
        .generateCertificate(new java.io.ByteArrayInputStream(pem.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
  }

  /** What versions before the CA split wrote: one self-signed CA:TRUE certificate as server.crt and ca.crt. */
  private static void writeOldSelfSignedMaterial(Path dir) throws Exception {
    var generator = java.security.KeyPairGenerator.getInstance("EC");
    generator.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
    var pair = generator.generateKeyPair();
    var name = new org.bouncycastle.asn1.x500.X500Name("CN=Vigil self-signed,O=Vigil");
    var builder = new org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder(name, java.math.BigInteger.TEN,
        java.util.Date.from(Instant.now().minusSeconds(3600)), java.util.Date.from(Instant.now().plusSeconds(86_400)),
        name, pair.getPublic());
    builder.addExtension(org.bouncycastle.asn1.x509.Extension.basicConstraints, true,
        new org.bouncycastle.asn1.x509.BasicConstraints(true));
    X509Certificate cert = new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter().getCertificate(
        builder.build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withECDSA")
            .build(pair.getPrivate())));
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("server.crt"), pem(cert));
    Files.writeString(dir.resolve("ca.crt"), pem(cert));
    Files.writeString(dir.resolve("server.key"),
        pem(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(pair.getPrivate(), null)));
    Files.setPosixFilePermissions(dir.resolve("server.key"), PosixFilePermissions.fromString("rw-------"));
  }

  private static String pem(Object object) throws Exception {
    var out = new java.io.StringWriter();
    try (var writer = new org.bouncycastle.openssl.jcajce.JcaPEMWriter(out)) {
      writer.writeObject(object);
    }
    return out.toString();
  }

  @Test
  void aKeyThatDoesNotMatchTheCertificateIsRefused() {
    Path a = dir.resolve("a");
    Path b = dir.resolve("b");
    TlsMaterial.loadOrCreate(a, List.of());
    TlsMaterial.loadOrCreate(b, List.of());

    assertThatThrownBy(() -> TlsMaterial.fromFiles(a.resolve("server.crt"), b.resolve("server.key")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not the private key of");
  }

  @Test
  void clientContextTrustsTheCaFile() {
    TlsMaterial.loadOrCreate(dir, List.of());

    assertThat(TlsMaterial.clientContextTrusting(dir.resolve("ca.crt")).getProtocol()).isEqualTo("TLS");
  }

  @Test
  void serverOptionsEnableOnlyTls12And13() {
    TlsMaterial tls = TlsMaterial.loadOrCreate(dir, List.of());

    var options = tls.applyTo(new io.vertx.core.http.HttpServerOptions());

    assertThat(options.isSsl()).isTrue();
    assertThat(options.getEnabledSecureTransportProtocols()).containsExactlyInAnyOrder("TLSv1.2", "TLSv1.3");
  }
}
