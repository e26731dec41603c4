package dev.vigil.detection.sigma;

import dev.vigil.detection.spi.DetectorInfo;
import dev.vigil.detection.spi.Interest;

/**
 * One compiled Sigma rule.
 *
 * @param file where it was loaded from (relative to its rules folder)
 * @param id the rule's {@code id}
 * @param title the rule's {@code title}
 * @param author the rule's {@code author}, or null; the Detection Rule License requires keeping it in
 *     every message based on a match, so it goes into each finding
 * @param info the alert metadata: type {@code SIGMA_<id>}, title, level, MITRE tags, false positives
 * @param interest the verbs and resources the detection can match
 * @param matcher the compiled detection
 * @param shadow {@code shadow: true}: evaluated live, counted and sampled, never alerted
 */
record SigmaRule(
    String file,
    String id,
    String title,
    String author,
    DetectorInfo info,
    Interest interest,
    EventMatcher matcher,
    boolean shadow) {

  static final String ALERT_TYPE_PREFIX = "SIGMA_";

  static String alertType(String id) {
    return ALERT_TYPE_PREFIX + id;
  }
}
