package dev.vigil.detection.kube;

import static org.assertj.core.api.Assertions.assertThat;

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
  void userAgentTokensAreWholeWords() {
    assertThat(Matches.containsToken("kube-hunter/0.6.8 python-requests/2.31", "kube-hunter"))
        .isTrue();
    assertThat(Matches.containsToken("Mozilla/5.0 (cdk; linux)", "cdk")).isTrue();
    assertThat(Matches.containsToken("cdk8s-cli/2.1", "cdk")).isFalse();
    assertThat(Matches.containsToken(null, "cdk")).isFalse();
  }
}
