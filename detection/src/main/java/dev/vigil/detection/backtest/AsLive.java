package dev.vigil.detection.backtest;

import dev.vigil.detection.spi.Detector;
import dev.vigil.detection.spi.DetectorInfo;
import dev.vigil.detection.spi.Interest;
import dev.vigil.detection.spi.Match;
import dev.vigil.schemas.AuditEvent;
import java.util.List;

/** A detector in shadow mode run as if live, so that a backtest counts all it would raise. */
record AsLive(Detector detector) implements Detector {

  static Detector of(Detector detector) {
    return new AsLive(detector);
  }

  @Override
  public DetectorInfo info() {
    return detector.info();
  }

  @Override
  public Interest interest() {
    return detector.interest();
  }

  @Override
  public List<Match> inspect(AuditEvent event) {
    return detector.inspect(event);
  }
}
