package dev.vigil.app.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/** The kubeconfig file kube-apiserver's {@code --audit-webhook-config-file} reads. */
final class WebhookKubeconfig {
  /**
   * kube-apiserver flags for the webhook: batches of up to 400 events or 5 s, a buffer that absorbs a
   * minute of a busy cluster while Vigil is unreachable, and retries starting at 10 s.
   */
  static final java.util.List<String> RECOMMENDED_FLAGS = java.util.List.of(
      "--audit-policy-file=/etc/kubernetes/audit-policy.yaml",
      "--audit-webhook-config-file=/etc/kubernetes/vigil-webhook.kubeconfig",
      "--audit-webhook-version=audit.k8s.io/v1",
      "--audit-webhook-mode=batch",
      "--audit-webhook-batch-max-size=400",
      "--audit-webhook-batch-max-wait=5s",
      "--audit-webhook-batch-buffer-size=10000",
      "--audit-webhook-initial-backoff=10s");

  private WebhookKubeconfig() {}

  static String render(String cluster, String url, String token, Path caFile) {
    String caLine = "";
    if (caFile != null) {
      try {
        caLine = "    certificate-authority-data: "
            + Base64.getEncoder().encodeToString(Files.readAllBytes(caFile)) + "\n";
      } catch (IOException e) {
        throw new CliException("cannot read CA certificate " + caFile + ": " + e.getMessage());
      }
    }
    return "apiVersion: v1\n"
        + "kind: Config\n"
        + "clusters:\n"
        + "- name: vigil\n"
        + "  cluster:\n"
        + "    server: " + url + "\n"
        + caLine
        + "users:\n"
        + "- name: " + cluster + "\n"
        + "  user:\n"
        + "    token: " + token + "\n"
        + "contexts:\n"
        + "- name: vigil\n"
        + "  context:\n"
        + "    cluster: vigil\n"
        + "    user: " + cluster + "\n"
        + "current-context: vigil\n";
  }

}
