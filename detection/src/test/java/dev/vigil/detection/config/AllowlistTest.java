package dev.vigil.detection.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class AllowlistTest {
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
}
