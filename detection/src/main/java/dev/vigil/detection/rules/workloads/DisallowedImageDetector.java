package dev.vigil.detection.rules.workloads;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.detection.config.Allowlist;
import dev.vigil.detection.kube.Matches;
import dev.vigil.detection.kube.PodSpecs;
import dev.vigil.detection.spi.DetectorInfo;
import dev.vigil.schemas.AuditEvent;
import dev.vigil.schemas.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code VIGIL_DisallowedImage}: a workload written with a container image outside the trusted
 * images of this type (registries as prefixes, {@code registry.example.com/}). Off until trusted
 * images are configured (Falco "Create Disallowed Pod", on every workload kind).
 *
 * <p>Triage: an image from an unapproved registry skipped the supply-chain checks. Who deployed it,
 * and is the image known?
 */
public final class DisallowedImageDetector extends PodSpecDetector {

  public static final String ALERT_TYPE = "VIGIL_DisallowedImage";

  private static final DetectorInfo INFO =
      new DetectorInfo(
          ALERT_TYPE,
          "Container image from an untrusted registry",
          Severity.Medium,
          List.of("Execution"),
          List.of("T1610", "T1204.003"),
          List.of(
              "Check where the image comes from and who deployed it.",
              "Rebuild or mirror it through a trusted registry, or add the registry to the trusted"
                  + " images of VIGIL_DisallowedImage."));

  private final Allowlist allowlist;

  public DisallowedImageDetector(Allowlist allowlist) {
    super(INFO, PodSpecs.WRITE_VERBS);
    this.allowlist = allowlist;
  }

  @Override
  Offence offence(AuditEvent event, JsonNode spec) {
    List<PodSpecs.Container> offending = null;
    for (PodSpecs.Container container : PodSpecs.containers(spec)) {
      if (!container.image().isEmpty() && !allowlist.trustsImage(container.image())) {
        if (offending == null) {
          offending = new ArrayList<>();
        }
        offending.add(container);
      }
    }
    if (offending == null) {
      return null;
    }
    return new Offence(
        "with untrusted image " + String.join(", ", Matches.images(offending)),
        "The image is outside the configured trusted registries.",
        offending,
        Map.of(
            "images", String.join(",", Matches.images(offending)),
            "containers", Matches.names(offending)));
  }
}
