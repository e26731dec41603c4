package dev.vigil.detection.rules.workloads;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.detection.config.DetectionRules;
import dev.vigil.detection.config.ListName;
import org.junit.jupiter.api.Test;

class SensitiveHostPathsTest {

  private final SensitiveHostPaths paths =
      new SensitiveHostPaths(DetectionRules.defaults().list(ListName.SENSITIVE_HOST_PATHS));

  @Test
  void theListComesFromTheDataFile() {
    assertThat(paths.paths())
        .contains(
            "/",
            "/etc",
            "/proc",
            "/root",
            "/var/run/docker.sock",
            "/var/run/containerd",
            "/run/containerd",
            "/var/run/crio",
            "/var/lib/kubelet",
            "/etc/kubernetes",
            "/var/lib/docker",
            "/boot",
            "/sys",
            "/dev",
            "/home/admin");
  }

  @Test
  void pathsAreNormalisedBeforeTheyAreCompared() {
    assertThat(SensitiveHostPaths.normalise("/etc/")).isEqualTo("/etc");
    assertThat(SensitiveHostPaths.normalise("//var///run/./docker.sock")).isEqualTo("/var/run/docker.sock");
    assertThat(SensitiveHostPaths.normalise("/var/log/../../etc")).isEqualTo("/etc");
    assertThat(SensitiveHostPaths.normalise("/../../..")).isEqualTo("/");
    assertThat(SensitiveHostPaths.normalise("etc")).isEqualTo("/etc");
    assertThat(SensitiveHostPaths.normalise(" ")).isNull();
  }

  @Test
  void aPathAtUnderOrAboveAListedPathIsSensitive() {
    assertThat(paths.sensitiveEntry("/etc")).isEqualTo("/etc");
    assertThat(paths.sensitiveEntry("/etc/ssl/certs/")).isEqualTo("/etc");
    assertThat(paths.sensitiveEntry("/var/run/containerd/containerd.sock"))
        .isEqualTo("/var/run/containerd");
    assertThat(paths.sensitiveEntry("/var/run/crio/crio.sock")).isEqualTo("/var/run/crio");
    assertThat(paths.sensitiveEntry("/var/lib/kubelet/pods")).isEqualTo("/var/lib/kubelet");
    assertThat(paths.sensitiveEntry("/var/run")).isNotNull();
    assertThat(paths.sensitiveEntry("/var")).isNotNull();
    assertThat(paths.sensitiveEntry("/home")).isEqualTo("/home/admin");
    assertThat(paths.sensitiveEntry("/")).isEqualTo("/");
    assertThat(paths.sensitiveEntry("/tmp/../proc/1")).isEqualTo("/proc");
  }

  @Test
  void otherPathsAreNotEvenWhenTheyShareAPrefix() {
    assertThat(paths.sensitiveEntry("/usr/local")).isNull();
    assertThat(paths.sensitiveEntry("/etcd-backup")).isNull();
    assertThat(paths.sensitiveEntry("/var/log/app")).isNull();
    assertThat(paths.sensitiveEntry("/home/alice")).isNull();
    assertThat(paths.sensitiveEntry("/data")).isNull();
    assertThat(paths.sensitiveEntry("")).isNull();
  }
}
