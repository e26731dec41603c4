package dev.vigil.detection.rules.workloads;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.detection.kube.ImageRefs;
import dev.vigil.detection.kube.Matches;
import dev.vigil.detection.kube.PodSpecs;
import dev.vigil.detection.spi.DetectorInfo;
import dev.vigil.schemas.AuditEvent;
import dev.vigil.schemas.Severity;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code K8S_MaliciousContainerImage}: a workload written with a container whose image repository
 * contains a known crypto-miner name from the {@code minerImages} list (xmrig, minergate, ...).
 *
 * <p>Triage: miners are the most common payload of a compromised cluster. Find the credential that
 * created the workload, delete the workload, and look for the same image elsewhere.
 */
public final class MaliciousContainerImageDetector extends PodSpecDetector {

  public static final String ALERT_TYPE = "K8S_MaliciousContainerImage";

  private static final DetectorInfo INFO =
      new DetectorInfo(
          ALERT_TYPE,
          "Digital currency mining container detected",
          Severity.High,
          List.of("Execution", "Impact"),
          List.of("T1496"),
          List.of(
              "Delete the workload and block the image in your admission policy.",
              "Find how the creator's credential was obtained: rotate it and review its recent"
                  + " activity.",
              "Look for other workloads with the same image in every cluster."));

  private final List<String> miners;

  public MaliciousContainerImageDetector(List<String> miners) {
    super(INFO, PodSpecs.WRITE_VERBS);
    List<String> lower = new ArrayList<>();
    for (String miner : miners) {
      lower.add(miner.toLowerCase(Locale.ROOT));
    }
    this.miners = List.copyOf(lower);
  }

  @Override
  Offence offence(AuditEvent event, JsonNode spec) {
    List<PodSpecs.Container> offending = null;
    Set<String> found = null;
    for (PodSpecs.Container container : PodSpecs.containers(spec)) {
      String repository = ImageRefs.repository(container.image());
      for (String miner : miners) {
        if (!repository.isEmpty() && repository.contains(miner)) {
          if (offending == null) {
            offending = new ArrayList<>();
            found = new LinkedHashSet<>();
          }
          offending.add(container);
          found.add(miner);
          break;
        }
      }
    }
    if (offending == null) {
      return null;
    }
    return new Offence(
        "with crypto-miner image " + String.join(", ", Matches.images(offending)),
        "The image matches the known miner " + String.join(", ", found) + ".",
        offending,
        Map.of(
            "images", String.join(",", Matches.images(offending)),
            "matched", String.join(",", found)));
  }
}
