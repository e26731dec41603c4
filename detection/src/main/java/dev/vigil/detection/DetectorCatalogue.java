package dev.vigil.detection;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** The detectors of one detection topology, keyed by alert type, with their (verb, resource) index. */
public final class DetectorCatalogue {

  private final Map<String, Detector> byType;
  private final List<Detector> detectors;
  private final DetectorIndex index;

  private DetectorCatalogue(List<Detector> detectors) {
    Map<String, Detector> map = new LinkedHashMap<>();
    for (Detector detector : detectors) {
      String type = detector.info().alertType();
      if (map.putIfAbsent(type, detector) != null) {
        throw new IllegalArgumentException("two detectors raise alert type " + type);
      }
    }
    this.byType = Collections.unmodifiableMap(map);
    this.detectors = List.copyOf(detectors);
    this.index = new DetectorIndex(this.detectors);
  }

  /** A catalogue of exactly these detectors; alert types must be unique. */
  public static DetectorCatalogue of(List<? extends Detector> detectors) {
    return new DetectorCatalogue(List.copyOf(detectors));
  }

  /**
   * The built-in detectors, minus those {@code config} disables.
   *
   * @throws IllegalArgumentException when the config disables an alert type that does not exist,
   *     which is a typo that would otherwise leave a detector running unnoticed
   */
  public static DetectorCatalogue builtIn(DetectionConfig config) {
    List<Detector> all =
        List.of(
            new TestAlertDetector(),
            new PrivilegedContainerDetector(),
            new SensitiveMountDetector(SensitiveHostPaths.builtIn()),
            new ClusterAdminBindingDetector());
    Set<String> unknown = new TreeSet<>(config.disabledAlertTypes());
    List<Detector> enabled = new ArrayList<>();
    for (Detector detector : all) {
      String type = detector.info().alertType();
      unknown.remove(type);
      if (!config.disabledAlertTypes().contains(type)) {
        enabled.add(detector);
      }
    }
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("unknown alert types to disable: " + unknown);
    }
    return new DetectorCatalogue(enabled);
  }

  public Optional<Detector> get(String alertType) {
    return Optional.ofNullable(byType.get(alertType));
  }

  /** Every detector, in registration order. */
  public List<Detector> all() {
    return detectors;
  }

  public Set<String> alertTypes() {
    return byType.keySet();
  }

  public DetectorIndex index() {
    return index;
  }
}
