package dev.vigil.detection.catalogue;

import dev.vigil.detection.config.Allowlist;
import dev.vigil.detection.spi.Detector;
import dev.vigil.detection.spi.DetectorInfo;
import dev.vigil.detection.spi.Interest;
import dev.vigil.detection.spi.Match;
import dev.vigil.schemas.AuditEvent;
import java.util.List;

/**
 * A detector behind its alert type's allow-list: requests by a trusted user or group, or in a
 * trusted namespace, never reach it. Trusted images are checked by the detectors that read
 * containers, since only they know which container matters.
 */
final class TrustingDetector implements Detector {

  private final Detector delegate;
  private final Allowlist allowlist;

  private TrustingDetector(Detector delegate, Allowlist allowlist) {
    this.delegate = delegate;
    this.allowlist = allowlist;
  }

  /** {@code detector} itself when the allow-list trusts no request, else a trusting wrapper. */
  static Detector wrap(Detector detector, Allowlist allowlist) {
    return allowlist.trustsNoRequest() ? detector : new TrustingDetector(detector, allowlist);
  }

  @Override
  public DetectorInfo info() {
    return delegate.info();
  }

  @Override
  public Interest interest() {
    return delegate.interest();
  }

  @Override
  public List<Match> inspect(AuditEvent event) {
    return allowlist.trustsRequest(event) ? List.of() : delegate.inspect(event);
  }
}
