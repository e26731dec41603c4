package dev.vigil.ingest.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.schemas.Fingerprints;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class TokensTest {

  @Test
  void tokensCarryTheirKindAnd32RandomBytes() {
    String api = Tokens.newApiToken();
    String cluster = Tokens.newClusterToken();

    assertThat(api).startsWith("vga_");
    assertThat(cluster).startsWith("vgc_");
    assertThat(Base64.getUrlDecoder().decode(api.substring(4))).hasSize(32);
    assertThat(Tokens.newApiToken()).isNotEqualTo(api);
    assertThat(Tokens.tokenId(api)).hasSize(12).isEqualTo(Fingerprints.tokenHash(api).substring(0, 12));
  }

  @Test
  void clusterNamesFollowTheDnsLabelRule() {
    for (String ok : new String[] {"a", "prod-eu-1", "k8s.prod", "0", "a".repeat(63)}) {
      assertThat(ClusterNames.NAME_PATTERN.matcher(ok).matches()).as(ok).isTrue();
    }
    for (String bad : new String[] {"", "-a", "a-", "Prod", "a_b", "a".repeat(64), "a/b"}) {
      assertThatThrownBy(() -> ClusterNames.requireName("cluster name", bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("lower-case letters");
    }
  }
}
