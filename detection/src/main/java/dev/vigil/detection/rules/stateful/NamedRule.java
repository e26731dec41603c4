package dev.vigil.detection.rules.stateful;

import dev.vigil.detection.spi.DetectorInfo;
import dev.vigil.detection.stateful.StatefulRule;

/** A built-in stateful rule's info and name, fixed when it is built. */
abstract class NamedRule implements StatefulRule {

  private final DetectorInfo info;
  private final String name;

  NamedRule(DetectorInfo info, String name) {
    this.info = info;
    this.name = name;
  }

  @Override
  public final DetectorInfo info() {
    return info;
  }

  @Override
  public final String name() {
    return name;
  }
}
