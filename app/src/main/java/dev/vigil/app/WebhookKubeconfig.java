package dev.vigil.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/** The kubeconfig file kube-apiserver's {@code --audit-webhook-config-file} reads. */
final class WebhookKubeconfig {
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
