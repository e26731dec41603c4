package dev.vigil.ingest;

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
  void generatesASelfSignedEcCertificateForLocalNamesAndTheGivenOnes() throws Exception {
    TlsMaterial tls = TlsMaterial.loadOrCreate(dir, List.of("vigil.example.org", "10.1.2.3"));

    X509Certificate cert = tls.certificate();
    assertThat(cert.getPublicKey().getAlgorithm()).isEqualTo("EC");
    assertThat(cert.getSigAlgName()).isEqualTo("SHA256withECDSA");
    assertThat(cert.getBasicConstraints()).isGreaterThanOrEqualTo(0);
    cert.verify(cert.getPublicKey());
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
