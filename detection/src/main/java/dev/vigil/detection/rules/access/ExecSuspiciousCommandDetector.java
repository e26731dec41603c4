package dev.vigil.detection.rules.access;

import dev.vigil.detection.kube.Requests;
import dev.vigil.detection.spi.AbstractDetector;
import dev.vigil.detection.spi.DetectorInfo;
import dev.vigil.detection.spi.Interest;
import dev.vigil.detection.spi.Match;
import dev.vigil.schemas.AuditEvent;
import dev.vigil.schemas.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * {@code VIGIL_ExecSuspiciousCommand}: an exec whose decoded command (the {@code command} query
 * parameters joined by spaces) matches one of the {@code suspiciousCommands} regular expressions:
 * reverse shells ({@code /dev/tcp/}, {@code nc -e}), download-and-run ({@code curl ... | sh}), reads
 * of service-account tokens, the cloud metadata address, {@code nsenter} into PID 1, ...
 *
 * <p>Triage: these commands are how an attacker turns an exec permission into persistence or cloud
 * credentials. Treat as an incident unless the user explains it.
 */
public final class ExecSuspiciousCommandDetector extends AbstractDetector {

  public static final String ALERT_TYPE = "VIGIL_ExecSuspiciousCommand";

  private static final DetectorInfo INFO =
      new DetectorInfo(
          ALERT_TYPE,
          "Suspicious command run through exec",
          Severity.High,
          List.of("Execution", "CredentialAccess"),
          List.of("T1609", "T1552"),
          List.of(
              "Treat the pod as compromised: isolate it with a network policy and keep it for"
                  + " forensics.",
              "Revoke the credential that ran the exec, and rotate the pod's service-account token"
                  + " and any cloud credentials the node can reach."));

  private static final Interest INTEREST = Interest.of(ExecRequests.VERBS, ExecRequests.RESOURCES);

  private final List<Pattern> patterns;

  public ExecSuspiciousCommandDetector(List<String> patterns) {
    super(INFO, INTEREST);
    List<Pattern> compiled = new ArrayList<>();
    for (String pattern : patterns) {
      try {
        compiled.add(Pattern.compile(pattern, Pattern.CASE_INSENSITIVE));
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException(
            "detection config: lists.suspiciousCommands entry \"" + pattern
                + "\" is not a valid regular expression: " + e.getDescription(), e);
      }
    }
    this.patterns = List.copyOf(compiled);
  }

  @Override
  protected List<Match> examine(AuditEvent event) {
    if (!"exec".equals(event.subresource())) {
      return List.of();
    }
    List<String> parts = ExecRequests.command(event.requestURI());
    if (parts.isEmpty()) {
      return List.of();
    }
    String command = String.join(" ", parts);
    for (Pattern pattern : patterns) {
      if (pattern.matcher(command).find()) {
        String pod =
            Requests.qualified(Requests.namespace(event), Requests.objectName(event, null));
        String description =
            "User "
                + event.username()
                + " ran \""
                + command
                + "\" in pod "
                + pod
                + " through exec; it matches the suspicious pattern "
                + pattern.pattern()
                + ".";
        return List.of(
            ExecRequests.match(
                event, description, Map.of("command", command, "pattern", pattern.pattern())));
      }
    }
    return List.of();
  }
}
