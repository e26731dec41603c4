package dev.vigil.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vigil send}: pushes audit log files once. JSON-lines files are sent in batches of lines; a
 * file holding one JSON document (an EventList, an array or one event) is sent whole.
 */
@Command(name = "send", mixinStandardHelpOptions = true,
    description = "Push audit log files (JSON lines or an EventList) once, with a cluster's --token-file.")
public final class SendCommand implements Callable<Integer> {
  static final int BATCH_EVENTS = 400;
  static final int BATCH_BYTES = 4 * 1024 * 1024;

  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin ClientOptions client;

  @Parameters(paramLabel = "FILE", arity = "1..*", description = "audit log files")
  List<Path> files;

  @Option(names = "--backfill",
      description = "send the files as history: events keep their own timestamps, teach the baselines,"
          + " raise no alert when older than detection's backfill horizon, and are the lowest priority"
          + " (a deferred batch is retried until accepted)")
  boolean backfill;

  /** Longest pause between two attempts of a deferred backfill batch. */
  static final long MAX_BACKFILL_PAUSE_MS = 30_000;

  @Override
  public Integer call() throws IOException {
    ApiClient api = client.client();
    PrintWriter out = spec.commandLine().getOut();
    long accepted = 0;
    long rejected = 0;
    for (Path file : files) {
      for (byte[] batch : batches(file)) {
        JsonNode result = backfill ? sendHistory(api, batch, file)
            : api.postJson("/v1/audit", batch).orThrow("sending " + file).body();
        accepted += result.path("accepted").asLong();
        rejected += result.path("rejected").asLong();
        for (JsonNode error : result.path("errors")) {
          out.println(file + ": event " + error.path("index").asInt() + " rejected: " + error.path("reason").asText());
        }
      }
    }
    out.println("accepted " + accepted + ", rejected " + rejected);
    out.flush();
    return rejected == 0 ? 0 : 2;
  }

  /** Sends one batch as history, waiting and retrying while the gateway defers it (429). */
  private JsonNode sendHistory(ApiClient api, byte[] batch, Path file) {
    long pauseMs = 500;
    while (true) {
      ApiClient.Response response = api.postJson("/v1/audit?backfill=true", batch);
      if (response.status() != 429) {
        return response.orThrow("sending " + file).body();
      }
      try {
        Thread.sleep(pauseMs);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CliException("interrupted");
      }
      pauseMs = Math.min(MAX_BACKFILL_PAUSE_MS, pauseMs * 2);
    }
  }

  /** The request bodies for one file: whole documents as they are, JSON lines in bounded batches. */
  static List<byte[]> batches(Path file) throws IOException {
    String head;
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      head = firstNonBlankLine(reader);
    }
    if (head == null) {
      throw new CliException(file + " holds no audit events");
    }
    List<byte[]> bodies = new ArrayList<>();
    if (!head.trim().endsWith("}") || head.trim().startsWith("[")) {
      // A pretty-printed or single-document file (EventList, array): the gateway splits it.
      bodies.add(Files.readAllBytes(file));
      return bodies;
    }
    StringBuilder batch = new StringBuilder();
    int events = 0;
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (line.isBlank()) {
          continue;
        }
        if (events == BATCH_EVENTS || batch.length() + line.length() > BATCH_BYTES) {
          bodies.add(batch.toString().getBytes(StandardCharsets.UTF_8));
          batch.setLength(0);
          events = 0;
        }
        batch.append(line).append('\n');
        events++;
      }
    }
    if (events > 0) {
      bodies.add(batch.toString().getBytes(StandardCharsets.UTF_8));
    }
    return bodies;
  }

  private static String firstNonBlankLine(BufferedReader reader) throws IOException {
    for (String line = reader.readLine(); line != null; line = reader.readLine()) {
      if (!line.isBlank()) {
        return line;
      }
    }
    return null;
  }
}
