package dev.vigil.app;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vigil token create}: API tokens for SOC analysts and automation. */
@Command(name = "token", mixinStandardHelpOptions = true, description = "Create API tokens.",
    subcommands = {TokenCommand.Create.class})
final class TokenCommand implements Runnable {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "create", mixinStandardHelpOptions = true,
      description = "Create a reader or admin API token of a workspace and print it (shown once).")
  static final class Create implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin ClientOptions client;

    @Option(names = "--role", required = true, description = "reader (views alerts and clusters) or admin "
        + "(also triages alerts, manages clusters and tokens)")
    String role;

    @Option(names = "--workspace", description = "workspace of the token (default: the workspace of your token)")
    String workspace;

    @Option(names = "--description", description = "who or what the token is for")
    String description;

    @Option(names = "--token-out", description = "also write the token to this file (mode 0600)")
    Path tokenOut;

    @Override
    public Integer call() throws IOException {
      String normalized = role.trim().toLowerCase(Locale.ROOT);
      if (!normalized.equals("reader") && !normalized.equals("admin")) {
        throw new CliException("--role must be reader or admin, not '" + role + "'");
      }
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("role", normalized);
      if (workspace != null) {
        body.put("workspace", workspace);
      }
      if (description != null) {
        body.put("description", description);
      }
      JsonNode created = client.client().postJson("/v1/tokens", body).orThrow("creating a token").body();
      String token = created.path("token").asText();
      if (tokenOut != null) {
        DataDir.writePrivate(tokenOut, token + "\n");
      }
      PrintWriter out = spec.commandLine().getOut();
      out.println("Created " + created.path("role").asText() + " token " + created.path("id").asText()
          + " of workspace " + created.path("workspace").asText() + ".");
      out.println();
      out.println("Token (shown once; store it as a secret):");
      out.println("  " + token);
      if (tokenOut != null) {
        out.println("  (also written to " + tokenOut + ")");
      }
      out.flush();
      return 0;
    }
  }
}
