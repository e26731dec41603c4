package dev.vigil.detection.rules.workloads;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.detection.config.Allowlist;
import dev.vigil.detection.kube.Matches;
import dev.vigil.detection.kube.PodSpecs;
import dev.vigil.detection.spi.DetectorInfo;
import dev.vigil.schemas.AuditEvent;
import dev.vigil.schemas.Severity;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code VIGIL_DangerousCapabilities}: a container granted a capability from the {@code
 * dangerousCapabilities} list ({@code SYS_ADMIN}, {@code SYS_PTRACE}, {@code SYS_MODULE}, {@code
 * NET_ADMIN}, {@code BPF}, {@code ALL}, ...) in {@code securityContext.capabilities.add}. Names are
 * compared upper case, without the {@code CAP_} prefix.
 *
 * <p>Triage: {@code SYS_ADMIN} or {@code SYS_MODULE} is nearly privileged mode; {@code SYS_PTRACE}
 * reads other processes' memory. Expected for CNI, eBPF and debugging agents (trusted images).
 */
public final class DangerousCapabilitiesDetector extends PodSpecDetector {

  public static final String ALERT_TYPE = "VIGIL_DangerousCapabilities";

  private static final DetectorInfo INFO =
      new DetectorInfo(
          ALERT_TYPE,
          "Container with dangerous capabilities detected",
          Severity.Medium,
          List.of("PrivilegeEscalation"),
          List.of("T1611"),
          List.of(
              "Check which capability the container needs and why; drop ALL and add back only what"
                  + " is required.",
              "Enforce the Pod Security Standards (baseline forbids adding these capabilities)."));

  private final Set<String> dangerous = new HashSet<>();
  private final Allowlist allowlist;

  public DangerousCapabilitiesDetector(List<String> capabilities, Allowlist allowlist) {
    super(INFO, PodSpecs.WRITE_VERBS);
    for (String capability : capabilities) {
      dangerous.add(normalise(capability));
    }
    this.allowlist = allowlist;
  }

  @Override
  Offence offence(AuditEvent event, JsonNode spec) {
    List<PodSpecs.Container> offending = null;
    Set<String> found = null;
    for (PodSpecs.Container container : PodSpecs.containers(spec)) {
      for (JsonNode added : container.node().path("securityContext").path("capabilities").path("add")) {
        String capability = normalise(added.asText(""));
        if (dangerous.contains(capability) && !allowlist.trustsImage(container.image())) {
          if (offending == null) {
            offending = new ArrayList<>();
            found = new LinkedHashSet<>();
          }
          if (!offending.contains(container)) {
            offending.add(container);
          }
          found.add(capability);
        }
      }
    }
    if (offending == null) {
      return null;
    }
    return new Offence(
        "adding capabilities " + String.join(", ", found) + " to container "
            + Matches.names(offending).replace(",", ", "),
        "These capabilities let a container break out of its isolation.",
        offending,
        Map.of(
            "capabilities", String.join(",", found),
            "containers", Matches.names(offending)));
  }

  private static String normalise(String capability) {
    String upper = capability.strip().toUpperCase(Locale.ROOT);
    return upper.startsWith("CAP_") ? upper.substring(4) : upper;
  }
}
