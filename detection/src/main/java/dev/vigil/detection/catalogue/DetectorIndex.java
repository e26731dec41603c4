package dev.vigil.detection.catalogue;

import dev.vigil.detection.spi.Detector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The detectors of a catalogue indexed by (verb, resource), precomputed so that a lookup is two hash
 * lookups and allocates nothing. Most audit traffic is {@code get}, {@code list} and {@code watch} by
 * controllers, which only the few any-verb detectors see.
 */
public final class DetectorIndex {

  private final Map<String, ByResource> byVerb = new HashMap<>();
  private final ByResource otherVerbs;

  DetectorIndex(List<Detector> detectors) {
    Set<String> verbs = new LinkedHashSet<>();
    Set<String> resources = new LinkedHashSet<>();
    for (Detector detector : detectors) {
      verbs.addAll(detector.interest().verbs());
      resources.addAll(detector.interest().resources());
    }
    for (String verb : verbs) {
      byVerb.put(verb, new ByResource(detectors, verb, resources));
    }
    otherVerbs = new ByResource(detectors, null, resources);
  }

  /**
   * The detectors whose interest matches this verb and resource, in catalogue order. Either argument
   * may be null (a non-resource request has no resource).
   */
  public List<Detector> candidates(String verb, String resource) {
    ByResource table = verb == null ? otherVerbs : byVerb.getOrDefault(verb, otherVerbs);
    return table.candidates(resource);
  }

  private static final class ByResource {
    private final Map<String, List<Detector>> byResource = new HashMap<>();
    private final List<Detector> otherResources;

    ByResource(List<Detector> detectors, String verb, Set<String> resources) {
      for (String resource : resources) {
        byResource.put(resource, select(detectors, verb, resource));
      }
      otherResources = select(detectors, verb, null);
    }

    List<Detector> candidates(String resource) {
      return resource == null ? otherResources : byResource.getOrDefault(resource, otherResources);
    }

    private static List<Detector> select(List<Detector> detectors, String verb, String resource) {
      List<Detector> selected = new ArrayList<>();
      for (Detector detector : detectors) {
        if (detector.interest().matches(verb, resource)) {
          selected.add(detector);
        }
      }
      return List.copyOf(selected);
    }
  }
}
