package dev.vigil.detection.spi;

import java.util.Collection;
import java.util.Set;

/**
 * The events a detector can match, so that the catalogue index evaluates an event only with the
 * detectors that may fire on it.
 *
 * @param verbs audit verbs ({@code create}, {@code patch}, {@code list}, ...); empty means any verb
 * @param resources {@code objectRef.resource} values without subresource ({@code pods},
 *     {@code clusterrolebindings}, ...); empty means any resource, including none
 * @param failedRequests whether the detector also sees requests the API server refused (response
 *     code 400 or above); most detectors alert on what happened, so the default is no
 */
public record Interest(Set<String> verbs, Set<String> resources, boolean failedRequests) {

  private static final Interest ANY = new Interest(Set.of(), Set.of(), false);

  public Interest {
    verbs = Set.copyOf(verbs);
    resources = Set.copyOf(resources);
  }

  /** Every successful request. */
  public static Interest any() {
    return ANY;
  }

  /** Successful requests with one of these verbs on one of these resources. */
  public static Interest of(Collection<String> verbs, Collection<String> resources) {
    return new Interest(Set.copyOf(verbs), Set.copyOf(resources), false);
  }

  /** The same interest, extended to refused requests. */
  public Interest includingFailedRequests() {
    return new Interest(verbs, resources, true);
  }

  public boolean anyVerb() {
    return verbs.isEmpty();
  }

  public boolean anyResource() {
    return resources.isEmpty();
  }

  /** Whether an event with this verb and resource (either may be null) is of interest. */
  public boolean matches(String verb, String resource) {
    return (verbs.isEmpty() || (verb != null && verbs.contains(verb)))
        && (resources.isEmpty() || (resource != null && resources.contains(resource)));
  }
}
