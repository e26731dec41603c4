package dev.vigil.detection.spi;

import dev.vigil.schemas.AuditEvent;
import java.util.List;

/**
 * A {@link Detector} whose info and interest are fixed when it is built. {@link #inspect} checks the
 * interest first, so that a direct call (without the catalogue index) sees the same events as the
 * topology; subclasses implement {@link #examine}.
 */
public abstract class AbstractDetector implements Detector {

  private final DetectorInfo info;
  private final Interest interest;

  protected AbstractDetector(DetectorInfo info, Interest interest) {
    this.info = info;
    this.interest = interest;
  }

  @Override
  public final DetectorInfo info() {
    return info;
  }

  @Override
  public final Interest interest() {
    return interest;
  }

  @Override
  public final List<Match> inspect(AuditEvent event) {
    return interest.matches(event.verb(), event.resource()) ? examine(event) : List.of();
  }

  /**
   * Inspects an event whose verb and resource are of interest.
   *
   * @return the matches; {@code List.of()} when there are none
   */
  protected abstract List<Match> examine(AuditEvent event);
}
