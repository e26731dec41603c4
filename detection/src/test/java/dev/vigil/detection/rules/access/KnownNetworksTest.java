package dev.vigil.detection.rules.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.detection.config.DetectionRules;
import dev.vigil.detection.config.ListName;
import dev.vigil.detection.stateful.CidrSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KnownNetworksTest {

  @TempDir Path dir;

  private static final List<String> DEFAULT_NETWORKS =
      DetectionRules.defaults().list(ListName.CLUSTER_NETWORKS);

  @Test
  void theDefaultsKnowPrivateRangesAndTheBundledCloudRanges() {
    CidrSet known = KnownNetworks.of(DEFAULT_NETWORKS, List.of());
    assertThat(known.match("10.1.2.3")).isEqualTo("10.0.0.0/8");
    assertThat(known.match("fd12::1")).isEqualTo("fc00::/7");
    assertThat(known.match("3.5.140.10")).as("AWS").isNotNull();
    assertThat(known.match("34.64.0.1")).as("Google Cloud").isNotNull();
    assertThat(known.match("20.36.0.1")).as("Azure").isNotNull();
    assertThat(known.match("185.220.101.7")).as("a Tor exit, in no cloud").isNull();
    assertThat(known.size()).isGreaterThan(1_000);
  }

  @Test
  void refreshedFilesReplaceTheBundledRanges() throws Exception {
    Path file = dir.resolve("ranges.txt");
    Files.writeString(file, "# refreshed\n198.51.100.0/24\n\n2001:db8::/32  # documentation\n");
    CidrSet known = KnownNetworks.of(DEFAULT_NETWORKS, List.of(file.toString()));
    assertThat(known.match("198.51.100.9")).isEqualTo("198.51.100.0/24");
    assertThat(known.match("2001:db8::7")).isEqualTo("2001:db8::/32");
    assertThat(known.match("3.5.140.10")).as("the bundled file is replaced").isNull();
    assertThat(known.match("192.168.1.1")).as("clusterNetworks still apply").isNotNull();
  }

  @Test
  void aBadLineOrAMissingFileNamesTheFileAndLine() throws Exception {
    Path file = dir.resolve("bad.txt");
    Files.writeString(file, "198.51.100.0/24\nnot-a-network\n");
    assertThatThrownBy(() -> KnownNetworks.of(DEFAULT_NETWORKS, List.of(file.toString())))
        .hasMessageContaining("cloud ranges file " + file + " line 2")
        .hasMessageContaining("not-a-network");
    assertThatThrownBy(
            () -> KnownNetworks.of(DEFAULT_NETWORKS, List.of(dir.resolve("gone.txt").toString())))
        .hasMessageContaining("cannot read cloud ranges file")
        .hasMessageContaining("cloudRangeFiles");
    assertThatThrownBy(() -> KnownNetworks.of(List.of("10.0.0.0/33"), List.of()))
        .hasMessageContaining("clusterNetworks line 1");
  }
}
