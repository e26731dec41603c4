package dev.vigil.detection.sigma;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.detection.spi.Interest;
import dev.vigil.schemas.AuditEvent;
import dev.vigil.schemas.Json;
import dev.vigil.schemas.Severity;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SigmaCompilerTest {

  private static final String HEAD = """
      title: Test rule
      id: 11111111-2222-3333-4444-555555555555
      level: high
      tags: [attack.privilege-escalation, attack.t1611, attack.credential_access, attack.g0032, cve.2024-1]
      logsource: {product: kubernetes, service: audit}
      detection:
      """;

  private static SigmaRule rule(String detection) {
    SigmaCompiler.Result result = SigmaCompiler.compile("test.yml", HEAD + detection);
    assertThat(result.errors()).isEmpty();
    return result.rule();
  }

  private static List<String> errors(String text) {
    return SigmaCompiler.compile("bad.yml", text).errors().stream().map(RuleError::toString).toList();
  }

  private static AuditEvent event(String json) {
    try {
      return Json.mapper().readValue(json, AuditEvent.class);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static final AuditEvent EXEC = event("""
      {"kind":"Event","auditID":"a1","stage":"ResponseStarted","verb":"create",
       "requestURI":"/api/v1/namespaces/kube-system/pods/coredns-1/exec?command=sh&stdin=true",
       "user":{"username":"Alice@Example.com","groups":["system:authenticated","devs"]},
       "sourceIPs":["203.0.113.9","10.0.0.1"],"userAgent":"kubectl/v1.30.2",
       "objectRef":{"resource":"pods","namespace":"kube-system","name":"coredns-1","subresource":"exec","apiVersion":"v1"},
       "responseStatus":{"code":101},"stageTimestamp":"2024-05-01T10:00:00Z",
       "annotations":{"authorization.k8s.io/decision":"allow"}}
      """);

  private static final AuditEvent POD = event("""
      {"kind":"Event","auditID":"a2","stage":"ResponseComplete","verb":"create",
       "requestURI":"/api/v1/namespaces/default/pods","user":{"username":"bob"},
       "objectRef":{"resource":"pods","namespace":"default","apiVersion":"v1"},
       "responseStatus":{"code":201},"stageTimestamp":"2024-05-01T10:00:00Z",
       "requestObject":{"kind":"Pod","metadata":{"name":"web","labels":{"app":"web"}},
         "spec":{"hostNetwork":true,"volumes":[{"name":"a","emptyDir":{}},{"name":"h","hostPath":{"path":"/var/run/docker.sock"}}],
           "containers":[{"name":"c","image":"nginx:1.27","securityContext":{"privileged":true,"capabilities":{"add":["NET_ADMIN"],"drop":["ALL"]}}}],
           "initContainers":[{"name":"i","image":"busybox"}]}}}
      """);

  @Test
  void metadataMapsToTheAlert() {
    SigmaRule rule = rule("  sel: {verb: create}\n  condition: sel\n");
    assertThat(rule.info().alertType()).isEqualTo("SIGMA_11111111-2222-3333-4444-555555555555");
    assertThat(rule.info().displayName()).isEqualTo("Test rule");
    assertThat(rule.info().severity()).isEqualTo(Severity.High);
    assertThat(rule.info().tactics()).containsExactly("PrivilegeEscalation", "CredentialAccess");
    assertThat(rule.info().techniques()).containsExactly("T1611");
  }

  @Test
  void valuesWildcardsAndModifiers() {
    assertThat(rule("  s: {user.username: alice@EXAMPLE.com}\n  condition: s\n").matcher().matches(EXEC)).isTrue();
    assertThat(rule("  s: {user.username|cased: alice@EXAMPLE.com}\n  condition: s\n").matcher().matches(EXEC)).isFalse();
    assertThat(rule("  s: {requestURI: '/api/*/pods/core?ns-1/exec*'}\n  condition: s\n").matcher().matches(EXEC)).isTrue();
    assertThat(rule("  s: {requestURI|contains: COMMAND=SH}\n  condition: s\n").matcher().matches(EXEC)).isTrue();
    assertThat(rule("  s: {requestURI|startswith: /apis/}\n  condition: s\n").matcher().matches(EXEC)).isFalse();
    assertThat(rule("  s: {userAgent|endswith: [/v1.29.0, /v1.30.2]}\n  condition: s\n").matcher().matches(EXEC)).isTrue();
    assertThat(rule("  s: {requestURI|re: 'command=(sh|bash)&'}\n  condition: s\n").matcher().matches(EXEC)).isTrue();
    assertThat(rule("  s: {requestURI|re: 'COMMAND=sh'}\n  condition: s\n").matcher().matches(EXEC)).isFalse();
    assertThat(rule("  s: {requestURI|re|i: 'COMMAND=sh'}\n  condition: s\n").matcher().matches(EXEC)).isTrue();
    assertThat(rule("  s: {sourceIPs|cidr: 10.0.0.0/8}\n  condition: s\n").matcher().matches(EXEC)).isTrue();
    assertThat(rule("  s: {sourceIPs|cidr: [192.168.0.0/16, 'fd00::/8']}\n  condition: s\n").matcher().matches(EXEC)).isFalse();
    assertThat(rule("  s: {user.groups|all: [devs, 'system:*']}\n  condition: s\n").matcher().matches(EXEC)).isTrue();
    assertThat(rule("  s: {user.groups|all: [devs, admins]}\n  condition: s\n").matcher().matches(EXEC)).isFalse();
    assertThat(rule("  s: {responseStatus.code: [101, 200]}\n  condition: s\n").matcher().matches(EXEC)).isTrue();
    assertThat(rule("  s: {responseStatus.code: '0101'}\n  condition: s\n").matcher().matches(EXEC)).isTrue();
    assertThat(rule("  s: {objectRef.apiGroup|exists: false}\n  condition: s\n").matcher().matches(EXEC)).isTrue();
    assertThat(rule("  s: {objectRef.apiGroup: null}\n  condition: s\n").matcher().matches(EXEC)).isTrue();
    assertThat(rule("  s: {annotations.authorization.k8s.io/decision: allow}\n  condition: s\n").matcher().matches(EXEC)).isTrue();
    assertThat(rule("  s: {requestURI: 'a\\*b'}\n  condition: s\n").matcher().matches(event(
        "{\"verb\":\"get\",\"requestURI\":\"a*b\"}"))).isTrue();
    assertThat(rule("  s: {requestURI: 'a\\*b'}\n  condition: s\n").matcher().matches(event(
        "{\"verb\":\"get\",\"requestURI\":\"axxb\"}"))).isFalse();
  }

  @Test
  void shortNamesAndObjectPathsReadThePodSpec() {
    assertThat(rule("  s: {hostPath: '*docker.sock'}\n  condition: s\n").matcher().matches(POD)).isTrue();
    assertThat(rule("  s: {capabilities: NET_ADMIN}\n  condition: s\n").matcher().matches(POD)).isTrue();
    assertThat(rule("  s: {capabilities: ALL}\n  condition: s\n").matcher().matches(POD)).isFalse();
    assertThat(rule("  s: {image: busybox}\n  condition: s\n").matcher().matches(POD)).isTrue();
    assertThat(rule("  s: {privileged: 'true', hostNetwork: 'true'}\n  condition: s\n").matcher().matches(POD)).isTrue();
    assertThat(rule("  s: {requestObject.spec.volumes.hostPath.path|startswith: /var/run/}\n  condition: s\n").matcher().matches(POD)).isTrue();
    assertThat(rule("  s: {requestObject.metadata.labels|contains: '\"app\":\"web\"'}\n  condition: s\n").matcher().matches(POD)).isTrue();
    assertThat(rule("  s: {hostPath|exists: true}\n  condition: s\n").matcher().matches(EXEC)).isFalse();
  }

  @Test
  void conditionsAndKeywords() {
    String selections = "  sel_exec: {objectRef.subresource: exec}\n  sel_pods: {objectRef.resource: pods}\n"
        + "  _helper: {verb: delete}\n  keywords: ['*coredns*', kubectl]\n";
    assertThat(rule(selections + "  condition: all of sel_*\n").matcher().matches(EXEC)).isTrue();
    assertThat(rule(selections + "  condition: all of them\n").matcher().matches(EXEC)).isTrue();
    assertThat(rule(selections + "  condition: 1 of sel_* and not _helper\n").matcher().matches(POD)).isTrue();
    assertThat(rule(selections + "  condition: sel_exec and (sel_pods or _helper) and keywords\n").matcher().matches(EXEC)).isTrue();
    assertThat(rule(selections + "  condition: not sel_exec and keywords\n").matcher().matches(POD)).isFalse();
    assertThat(rule(selections + "  condition: [sel_exec, _helper]\n").matcher().matches(POD)).isFalse();
    assertThat(rule("  s:\n    - {verb: delete}\n    - {verb: create, objectRef.namespace: default}\n  condition: s\n")
        .matcher().matches(POD)).isTrue();
  }

  @Test
  void theInterestNarrowsOnlyWhenTheRuleConstrainsVerbOrResource() {
    assertThat(rule("  s: {verb: [Create, patch], resource: pods}\n  condition: s\n").interest())
        .isEqualTo(new Interest(Set.of("create", "patch"), Set.of("pods"), true));
    assertThat(rule("  s: {verb: create}\n  f: {verb: delete}\n  condition: s or f\n").interest())
        .isEqualTo(new Interest(Set.of("create", "delete"), Set.of(), true));
    assertThat(rule("  s: {verb: create}\n  f: {userAgent: x}\n  condition: s or f\n").interest())
        .isEqualTo(Interest.any().includingFailedRequests());
    assertThat(rule("  s: {verb: 'cre*'}\n  condition: s\n").interest())
        .isEqualTo(Interest.any().includingFailedRequests());
    assertThat(rule("  s: {verb: create}\n  condition: not s\n").interest())
        .isEqualTo(Interest.any().includingFailedRequests());
  }

  @Test
  void errorsNameFileLineRuleAndWhatIsWrong() {
    assertThat(errors(HEAD + "  s:\n    verb|base64: create\n    objectRef.resource|contains|re: x\n"
        + "    requestURI|re: '(unclosed'\n    nope: 1\n  condition: s and missing\n"))
        .containsExactly(
            "bad.yml:8: rule 11111111-2222-3333-4444-555555555555: UNSUPPORTED_MODIFIER: modifier \"base64\" is not"
                + " supported in \"verb|base64\": Vigil supports contains, startswith, endswith, re (with i, m, s),"
                + " cidr, all, exists, cased",
            "bad.yml:9: rule 11111111-2222-3333-4444-555555555555: UNSUPPORTED_MODIFIER: \"objectRef.resource|contains|re\""
                + " combines modifiers that exclude each other: use at most one of contains, startswith, endswith, re,"
                + " cidr, exists",
            "bad.yml:10: rule 11111111-2222-3333-4444-555555555555: BAD_VALUE: \"requestURI|re\": not a regular"
                + " expression: Unclosed group near index 9 of \"(unclosed\"",
            "bad.yml:11: rule 11111111-2222-3333-4444-555555555555: UNKNOWN_FIELD: unknown field \"nope\": it is not"
                + " a field of a Kubernetes audit event. Use an event path (verb, requestURI, user.username,"
                + " objectRef.resource, responseStatus.code, ...), annotations.<key>, requestObject.<path> or"
                + " responseObject.<path>, or a short name (apiGroup, resource, subresource, namespace, username,"
                + " groups, hostPath, capabilities, privileged, image, hostNetwork, hostPID, hostIPC); see"
                + " detection/RULES.md",
            "bad.yml:12: rule 11111111-2222-3333-4444-555555555555: BAD_CONDITION: the condition \"s and missing\""
                + " names \"missing\", but the detection has no such selection (it has: s)");
    assertThat(errors(HEAD + "  s: {verb: create}\n  condition: s and (missing or\n"))
        .containsExactly("bad.yml:8: rule 11111111-2222-3333-4444-555555555555: BAD_CONDITION: bad condition"
            + " \"s and (missing or\": the condition ends where a selection name, \"(\", \"not\" or \"1 of\" was expected");
    assertThat(errors(HEAD + "  s: {verb: create}\n  condition: s and missing\n"))
        .containsExactly("bad.yml:8: rule 11111111-2222-3333-4444-555555555555: BAD_CONDITION: the condition"
            + " \"s and missing\" names \"missing\", but the detection has no such selection (it has: s)");
    assertThat(errors(HEAD + "  s: {verb: create}\n  condition: s | count() > 5\n"))
        .singleElement().asString().contains("BAD_CONDITION: bad condition \"s | count() > 5\": aggregations");
    assertThat(errors(HEAD + "  s: {verb: create}\n  condition: 1 of x_*\n"))
        .singleElement().asString().contains(":8: ", "\"x_*\" matches no selection (the detection has: s)");
    assertThat(errors("title: t\nid: x1\nlogsource: {product: kubernetes, service: audit}\ndetection:\n"
        + "  s: {verb: [create}\n  condition: s\n"))
        .containsExactly("bad.yml:5: YAML_SYNTAX: not valid YAML: expected ',' or ']', but got }");
    assertThat(errors("title: t\nlogsource: {product: kubernetes, service: audit}\ndetection:\n  s: {verb: x}\n  condition: s\n"))
        .containsExactly(
            "bad.yml:1: MISSING_KEY: missing id: give the rule a stable id (a UUID); the alert type is SIGMA_<id>",
            "bad.yml:1: MISSING_KEY: missing level: one of critical, high, informational, low, medium");
  }

  @Test
  void rulesForOtherLogSourcesAreIgnoredNotErrors() {
    SigmaCompiler.Result result = SigmaCompiler.compile("win.yml",
        "title: t\nid: x\nlevel: low\nlogsource: {product: windows, service: security}\n"
            + "detection: {s: {EventID: 4688}, condition: s}\n");
    assertThat(result.foreign()).isTrue();
    assertThat(result.errors()).isEmpty();
  }
}
