package dev.vigil.detection.stateful;

import dev.vigil.detection.spi.DetectorInfo;
import dev.vigil.schemas.Severity;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@code K8S_TI_Proxy}: a request (refused or not) from an address in the threat-intelligence lists.
 * Its state is the lists themselves ({@link ThreatIntelList}), re-read when a file changes, so it
 * needs no store.
 *
 * <p>Triage: requests through anonymising proxies are how stolen credentials are used. Check whether
 * the principal is expected to connect that way; if not, revoke its credential.
 */
public final class ThreatIntelRule implements StatefulRule {

  public static final String ALERT_TYPE = "K8S_TI_Proxy";

  static final DetectorInfo INFO =
      new DetectorInfo(
          ALERT_TYPE,
          "Request to the Kubernetes API from a suspicious proxy address",
          Severity.Medium,
          List.of("InitialAccess", "DefenseEvasion"),
          List.of("T1090.003", "T1078"),
          List.of(
              "Check whether this principal is expected to connect through an anonymising proxy.",
              "If not, treat its credential as stolen: revoke it and review what it did.",
              "Restrict access to the API server to known networks."));

  private final List<Path> files;
  private final Duration recheck;

  /**
   * @param files the lists: one IPv4 or IPv6 address or CIDR per line, {@code #} comments
   * @param recheck how often the files are checked for changes
   */
  public ThreatIntelRule(List<Path> files, Duration recheck) {
    this.files = List.copyOf(files);
    this.recheck = recheck;
  }

  @Override
  public DetectorInfo info() {
    return INFO;
  }

  @Override
  public String name() {
    return "threat-intel";
  }

  List<Path> files() {
    return files;
  }

  Duration recheck() {
    return recheck;
  }
}
