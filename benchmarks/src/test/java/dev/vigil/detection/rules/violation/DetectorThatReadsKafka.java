package dev.vigil.detection.rules.violation;

import org.apache.kafka.common.header.Headers;

/**
 * A deliberate violation for {@code ArchitectureTest}: a class in a rules package that uses a Kafka
 * type. It lives in test code only, so the rule can be shown to catch it.
 */
final class DetectorThatReadsKafka {
  private DetectorThatReadsKafka() {}

  static int headerCount(Headers headers) {
    return headers.toArray().length;
  }
}
