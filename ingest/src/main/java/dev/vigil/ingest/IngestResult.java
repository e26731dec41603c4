package dev.vigil.ingest;

import java.util.List;

/**
 * What happened to one ingest request, reported only after Kafka acknowledged every record of it.
 *
 * @param accepted events written to the raw topic
 * @param rejected items written to the dead-letter topic instead
 * @param errors the first few rejections, with the item's 0-based position in the body
 */
public record IngestResult(int accepted, int rejected, List<Rejection> errors) {

  public IngestResult {
    errors = List.copyOf(errors);
  }

  /** One rejected item: its 0-based position in the body and why it was rejected. */
  public record Rejection(int index, String reason) {}
}
