package dev.vigil.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.app.DataDir;
import dev.vigil.schemas.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vigil token create|list|rm}: API tokens for SOC analysts and automation, and their
 * revocation.
 */
@Command(name = "token", mixinStandardHelpOptions = true, description = "Create, list and revoke API tokens.",
    subcommands = {TokenCommand.Create.class, TokenCommand.ListTokens.class, TokenCommand.Remove.class})
public final class TokenCommand implements Runnable {
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

    @Option(names = "--ttl", description = "the token expires after this ISO-8601 duration (P30D, PT12H)")
    String ttl;

    @Option(names = "--expires-at", description = "the token expires at this ISO-8601 instant (2030-01-31T00:00:00Z)")
    String expiresAt;

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
      if (ttl != null) {
        body.put("ttl", ttl);
      }
      if (expiresAt != null) {
        body.put("expiresAt", expiresAt);
      }
      JsonNode created = client.client().postJson("/v1/tokens", body).orThrow("creating a token").body();
      String token = created.path("token").asText();
      if (tokenOut != null) {
        DataDir.writePrivate(tokenOut, token + "\n");
      }
      PrintWriter out = spec.commandLine().getOut();
      out.println("Created " + created.path("role").asText() + " token " + created.path("id").asText()
          + " of workspace " + created.path("workspace").asText()
          + (created.hasNonNull("expiresAt") ? ", expiring " + created.path("expiresAt").asText() : "") + ".");
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

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "List the API tokens of a workspace (ids, roles, descriptions, creation, expiry and last use; never a secret).")
  static final class ListTokens implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin ClientOptions client;

    @Option(names = "--workspace", description = "workspace (default: the workspace of your token)")
    String workspace;

    @Option(names = "--json", description = "print the tokens as JSON")
    boolean json;

    @Override
    public Integer call() throws IOException {
      ApiClient api = client.client();
      java.util.List<JsonNode> tokens = new java.util.ArrayList<>();
      String cursor = null;
      do {
        StringBuilder path = new StringBuilder("/v1/tokens?limit=1000");
        if (workspace != null) {
          path.append("&workspace=").append(URLEncoder.encode(workspace, StandardCharsets.UTF_8));
        }
        if (cursor != null) {
          path.append("&cursor=").append(URLEncoder.encode(cursor, StandardCharsets.UTF_8));
        }
        JsonNode page = api.get(path.toString()).orThrow("listing tokens").body();
        page.path("tokens").forEach(tokens::add);
        cursor = page.hasNonNull("nextCursor") ? page.get("nextCursor").asText() : null;
      } while (cursor != null);
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(tokens));
      } else {
        out.printf("%-12s %-7s %-14s %-24s %-24s %-24s %s%n", "ID", "ROLE", "WORKSPACE", "CREATED", "EXPIRES",
            "LAST USED", "DESCRIPTION");
        for (JsonNode t : tokens) {
          out.printf("%-12s %-7s %-14s %-24s %-24s %-24s %s%n", t.path("id").asText(), t.path("role").asText(),
              t.path("workspace").asText(), t.path("createdAt").asText("-"), t.path("expiresAt").asText("-"),
              t.path("lastUsedAt").asText("-"), t.path("description").asText(""));
        }
        if (tokens.isEmpty()) {
          out.println("(no tokens)");
        }
      }
      out.flush();
      return 0;
    }
  }

  @Command(name = "rm", mixinStandardHelpOptions = true,
      description = "Revoke an API token at once, on every instance.")
  static final class Remove implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin ClientOptions client;

    @picocli.CommandLine.Parameters(index = "0", paramLabel = "ID", description = "the token id (vigil token list)")
    String id;

    @Override
    public Integer call() {
      client.client().delete("/v1/tokens/" + URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20"))
          .orThrow("revoking token " + id);
      spec.commandLine().getOut().println("Token " + id + " revoked.");
      spec.commandLine().getOut().flush();
      return 0;
    }
  }
}
