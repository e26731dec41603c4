package dev.vigil.detection.stateful;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class CidrSetTest {

  static CidrSet of(String... cidrs) {
    return CidrSet.of(java.util.Arrays.stream(cidrs).map(CidrSet.Entry::parse).toList());
  }

  @Test
  void matchesIpv4AndIpv6NetworksAndSingleAddresses() {
    CidrSet set = of("192.0.2.0/24", "198.51.100.7", "2001:db8::/32", "0.0.0.0/32", "::1/128");
    assertThat(set.match("192.0.2.0")).isEqualTo("192.0.2.0/24");
    assertThat(set.match("192.0.2.255")).isEqualTo("192.0.2.0/24");
    assertThat(set.match("192.0.3.0")).isNull();
    assertThat(set.match("198.51.100.7")).isEqualTo("198.51.100.7");
    assertThat(set.match("198.51.100.8")).isNull();
    assertThat(set.match("2001:db8:ffff::1")).isEqualTo("2001:db8::/32");
    assertThat(set.match("2001:db9::1")).isNull();
    assertThat(set.match("::1")).isEqualTo("::1/128");
    assertThat(set.match("::ffff:192.0.2.9")).isEqualTo("192.0.2.0/24");
  }

  @Test
  void overlappingNetworksMergeAndTheWholeSpaceMatchesEverything() {
    CidrSet set = of("10.0.0.0/8", "10.1.0.0/16", "10.255.255.255/32");
    assertThat(set.size()).isEqualTo(1);
    assertThat(of("0.0.0.0/0").match("255.255.255.255")).isEqualTo("0.0.0.0/0");
    assertThat(of("::/0").match("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")).isEqualTo("::/0");
  }

  @Test
  void hostNamesAndGarbageAreNeitherResolvedNorMatched() {
    CidrSet set = of("0.0.0.0/0", "::/0");
    for (String text : List.of("localhost", "example.com", "1.2.3", "1.2.3.4.5", "256.1.1.1", "", "1..2.3",
        "gg::1")) {
      assertThat(set.match(text)).as(text).isNull();
    }
    assertThatThrownBy(() -> CidrSet.Entry.parse("example.com/24"))
        .hasMessageContaining("not an IPv4 or IPv6 address");
    assertThatThrownBy(() -> CidrSet.Entry.parse("2001:db8::/129"))
        .hasMessageContaining("prefix length outside 0-128");
  }
}
