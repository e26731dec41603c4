package dev.vigil.detection.config;

import dev.vigil.detection.kube.ImageRefs;
import dev.vigil.detection.kube.PodSpecs;
import dev.vigil.detection.kube.Requests;
import dev.vigil.schemas.AuditEvent;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What one alert type trusts: the global {@code trusted:} section of the detection configuration
 * plus the type's own. Users, groups and namespaces are compared exactly, or as a prefix when the
 * entry ends with {@code *} ({@code system:node:*}); images are compared by repository ({@link
 * ImageRefs#repository}), exactly or as a prefix when the entry ends with {@code *} or {@code /}.
 */
public final class Allowlist {

  private static final Allowlist EMPTY =
      new Allowlist(List.of(), List.of(), List.of(), List.of());

  private final Patterns users;
  private final Patterns groups;
  private final Patterns namespaces;
  private final Patterns images;

  public Allowlist(
      List<String> users, List<String> groups, List<String> namespaces, List<String> images) {
    this.users = new Patterns(users);
    this.groups = new Patterns(groups);
    this.namespaces = new Patterns(namespaces);
    List<String> repositories = new ArrayList<>();
    for (String image : images) {
      boolean prefix = image.endsWith("*") || image.endsWith("/");
      String stem = image.endsWith("*") ? image.substring(0, image.length() - 1) : image;
      repositories.add(ImageRefs.repository(stem) + (prefix ? "*" : ""));
    }
    this.images = new Patterns(repositories);
  }

  static Allowlist empty() {
    return EMPTY;
  }

  /** True when nothing is trusted, so the catalogue need not check anything. */
  boolean isEmpty() {
    return users.isEmpty() && groups.isEmpty() && namespaces.isEmpty() && images.isEmpty();
  }

  /** True when no user, group or namespace is trusted (images may be). */
  public boolean trustsNoRequest() {
    return users.isEmpty() && groups.isEmpty() && namespaces.isEmpty();
  }

  /** Whether the request's user, one of its groups, or its namespace is trusted. */
  public boolean trustsRequest(AuditEvent event) {
    if (!users.isEmpty() && users.matches(event.username())) {
      return true;
    }
    if (!groups.isEmpty() && event.user() != null) {
      for (String group : event.user().groupsOrEmpty()) {
        if (groups.matches(group)) {
          return true;
        }
      }
    }
    return !namespaces.isEmpty() && namespaces.matches(Requests.namespace(event));
  }

  public boolean trustsUser(String username) {
    return users.matches(username);
  }

  public boolean trustsGroup(String group) {
    return groups.matches(group);
  }

  public boolean trustsNamespace(String namespace) {
    return namespaces.matches(namespace);
  }

  /** Whether a container image is trusted, compared by repository. */
  public boolean trustsImage(String image) {
    return !images.isEmpty() && images.matches(ImageRefs.repository(image));
  }

  /** True when every container has a trusted image (and there is at least one container). */
  public boolean trustsAllImages(List<PodSpecs.Container> containers) {
    if (images.isEmpty() || containers.isEmpty()) {
      return false;
    }
    for (PodSpecs.Container container : containers) {
      if (!trustsImage(container.image())) {
        return false;
      }
    }
    return true;
  }

  /** Exact entries in a set, prefix entries (ending in {@code *}) in a list. */
  private static final class Patterns {
    private final Set<String> exact = new LinkedHashSet<>();
    private final List<String> prefixes = new ArrayList<>();

    Patterns(List<String> entries) {
      for (String entry : entries) {
        if (entry.endsWith("*")) {
          prefixes.add(entry.substring(0, entry.length() - 1));
        } else {
          exact.add(entry);
        }
      }
    }

    boolean isEmpty() {
      return exact.isEmpty() && prefixes.isEmpty();
    }

    boolean matches(String value) {
      if (value == null) {
        return false;
      }
      if (exact.contains(value)) {
        return true;
      }
      for (int i = 0; i < prefixes.size(); i++) {
        if (value.startsWith(prefixes.get(i))) {
          return true;
        }
      }
      return false;
    }
  }
}
