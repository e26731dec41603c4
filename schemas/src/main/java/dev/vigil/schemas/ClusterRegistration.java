package dev.vigil.schemas;

import java.time.Instant;
import java.util.Map;

/**
 * A registered cluster: the value of {@code vigil.clusters.v1} (key {@code
 * workspace/name}, see {@link ClusterKeys}). Only the hash of
 * the cluster's ingest token is ever stored.
 *
 * @param tokenHash lower-case hex SHA-256 of the ingest token
 */
public record ClusterRegistration(
    String name, String workspace, String tokenHash, Map<String, String> labels, Instant createdAt) {}
