package dev.vigil.detection.spi;

import dev.vigil.schemas.Entity;
import java.util.List;
import java.util.Map;

/**
 * One thing a detector found in one audit event.
 *
 * @param compromisedEntity what the alert is about, without the cluster name (findings of the same
 *     cluster, alert type and entity aggregate into one alert): {@code namespace/Kind/name} for
 *     namespaced objects, {@code Kind/name} for cluster-scoped ones, or a user or namespace name
 * @param entities the user, objects, images and so on involved
 * @param description one or two sentences naming the user and the object
 * @param extendedProperties detector-specific evidence (container names, host paths, ...); the
 *     topology adds the request fields (verb, resource, namespace, user agent, source IPs)
 */
public record Match(
    String compromisedEntity,
    List<Entity> entities,
    String description,
    Map<String, String> extendedProperties) {

  public Match {
    if (compromisedEntity == null || compromisedEntity.isBlank()) {
      throw new IllegalArgumentException("compromisedEntity must not be blank");
    }
    if (description == null || description.isBlank()) {
      throw new IllegalArgumentException("description must not be blank");
    }
    entities = List.copyOf(entities);
    extendedProperties = Map.copyOf(extendedProperties);
  }
}
