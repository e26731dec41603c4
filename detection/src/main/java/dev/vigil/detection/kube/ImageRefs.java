package dev.vigil.detection.kube;

import java.util.Locale;

/** Reading container image references ({@code registry/path/name:tag@digest}) without a regex. */
public final class ImageRefs {

  private static final String[] DOCKER_HUB_PREFIXES = {
    "docker.io/", "index.docker.io/", "registry-1.docker.io/"
  };

  private ImageRefs() {}

  /**
   * The repository of an image, without tag or digest, with Docker Hub's implicit registry and
   * {@code library/} namespace removed, so that {@code docker.io/library/nginx:1.25} and {@code
   * nginx} compare equal. Lower case; empty for a null or blank image.
   */
  public static String repository(String image) {
    if (image == null || image.isBlank()) {
      return "";
    }
    String ref = image.strip().toLowerCase(Locale.ROOT);
    int at = ref.indexOf('@');
    if (at >= 0) {
      ref = ref.substring(0, at);
    }
    int colon = ref.lastIndexOf(':');
    if (colon > ref.lastIndexOf('/')) {
      ref = ref.substring(0, colon);
    }
    for (String prefix : DOCKER_HUB_PREFIXES) {
      if (ref.startsWith(prefix)) {
        ref = ref.substring(prefix.length());
        break;
      }
    }
    if (ref.startsWith("library/")) {
      ref = ref.substring("library/".length());
    }
    return ref;
  }

  /** The last path segment of the repository: {@code kube-hunter} for {@code aquasec/kube-hunter:0.6}. */
  public static String name(String image) {
    String repository = repository(image);
    return repository.substring(repository.lastIndexOf('/') + 1);
  }
}
