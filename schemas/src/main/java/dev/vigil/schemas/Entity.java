package dev.vigil.schemas;

/**
 * A thing an alert is about.
 *
 * @param type one of {@code user, pod, workload, namespace, ip, role, binding, image, cluster, secret,
 *     service}
 * @param name the entity's name, namespaced objects as {@code namespace/name}
 */
public record Entity(String type, String name) {
  public static Entity of(String type, String name) {
    return new Entity(type, name);
  }
}
