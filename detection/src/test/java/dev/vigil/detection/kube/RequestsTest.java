package dev.vigil.detection.kube;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestsTest {

  @Test
  void theNamespaceIsReadFromTheRequestUri() {
    assertThat(Requests.namespaceFromUri("/api/v1/namespaces/asc-alerttest-1/pods?limit=500"))
        .isEqualTo("asc-alerttest-1");
    assertThat(Requests.namespaceFromUri("/api/v1/namespaces/foo")).isEqualTo("foo");
    assertThat(Requests.namespaceFromUri("/apis/apps/v1/namespaces/team-a/deployments/web/scale"))
        .isEqualTo("team-a");
    assertThat(Requests.namespaceFromUri("/api/v1/namespaces?watch=1")).isNull();
    assertThat(Requests.namespaceFromUri("/api/v1/pods?fieldSelector=/namespaces/x/")).isNull();
    assertThat(Requests.namespaceFromUri("/healthz")).isNull();
    assertThat(Requests.namespaceFromUri(null)).isNull();
  }
}
