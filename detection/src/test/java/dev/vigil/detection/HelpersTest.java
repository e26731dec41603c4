package dev.vigil.detection;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class HelpersTest {

  @Test
  void imageRepositoriesIgnoreTagDigestAndDockerHubDefaults() {
    assertThat(ImageRefs.repository("docker.io/library/nginx:1.25")).isEqualTo("nginx");
    assertThat(ImageRefs.repository("nginx@sha256:abcd")).isEqualTo("nginx");
    assertThat(ImageRefs.repository("registry.example.com:5000/team/app:1.0"))
        .isEqualTo("registry.example.com:5000/team/app");
    assertThat(ImageRefs.repository("Calico/Node")).isEqualTo("calico/node");
    assertThat(ImageRefs.name("aquasec/kube-hunter:0.6.8")).isEqualTo("kube-hunter");
    assertThat(ImageRefs.repository(null)).isEmpty();
  }

  @Test
  void allowlistEntriesMatchExactlyOrAsPrefixes() {
    Allowlist allowlist =
        new Allowlist(
            List.of("system:node:*", "alice"),
            List.of("ops"),
            List.of("kube-*"),
            List.of("registry.example.com/", "quay.io/calico/*", "nginx"));
    assertThat(allowlist.trustsUser("system:node:worker-1")).isTrue();
    assertThat(allowlist.trustsUser("alice2")).isFalse();
    assertThat(allowlist.trustsNamespace("kube-system")).isTrue();
    assertThat(allowlist.trustsImage("registry.example.com/shop/web:1")).isTrue();
    assertThat(allowlist.trustsImage("registry.example.com.evil.net/x")).isFalse();
    assertThat(allowlist.trustsImage("quay.io/calico/node:v3")).isTrue();
    assertThat(allowlist.trustsImage("docker.io/library/nginx:1.25")).isTrue();
    assertThat(allowlist.trustsImage("nginx-evil")).isFalse();
  }

  @Test
  void execCommandsAreDecodedFromTheQuery() {
    assertThat(
            ExecRequests.command(
                "/api/v1/namespaces/a/pods/b/exec?command=sh&command=-c&command=curl+x+%7C+sh&stdin=true"))
        .containsExactly("sh", "-c", "curl x | sh");
    assertThat(ExecRequests.command("/api/v1/namespaces/a/pods/b/exec")).isEmpty();
    assertThat(ExecRequests.command("/x?command=%zz")).containsExactly("%zz");
    assertThat(ExecRequests.parameter("/x?ports=5432&y=1", "ports")).isEqualTo("5432");
  }

  @Test
  void userAgentTokensAreWholeWords() {
    assertThat(Matches.containsToken("kube-hunter/0.6.8 python-requests/2.31", "kube-hunter"))
        .isTrue();
    assertThat(Matches.containsToken("Mozilla/5.0 (cdk; linux)", "cdk")).isTrue();
    assertThat(Matches.containsToken("cdk8s-cli/2.1", "cdk")).isFalse();
    assertThat(Matches.containsToken(null, "cdk")).isFalse();
  }

  @Test
  void broadSourceRanges() {
    assertThat(ExposedPostgresDetector.isBroad("0.0.0.0/0")).isTrue();
    assertThat(ExposedPostgresDetector.isBroad("10.0.0.0/8")).isTrue();
    assertThat(ExposedPostgresDetector.isBroad("203.0.113.0/24")).isFalse();
    assertThat(ExposedPostgresDetector.isBroad("nonsense")).isFalse();
  }
}
