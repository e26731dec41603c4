package dev.vigil.detection.streams;

import dev.vigil.detection.parsing.AuditRecord;
import dev.vigil.schemas.AuditEvent;
import dev.vigil.schemas.ClusterKeys;
import java.util.Set;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Lets through one audit stage per request. {@code ResponseComplete} for every request, except that
 * for a streaming subresource ({@code exec}, {@code attach}, {@code portforward}) the earlier {@code
 * ResponseStarted} is used, since its {@code ResponseComplete} only comes when the session ends,
 * perhaps hours later. The auditIDs seen at {@code ResponseStarted} are remembered in a window store
 * so that the {@code ResponseComplete} of the same request, or a repeated {@code ResponseStarted}, is
 * skipped. Both stages of a request have the same key (workspace/cluster/user), so they meet in the
 * same task.
 */
final class StageFilterProcessor implements FixedKeyProcessor<byte[], AuditRecord, AuditRecord> {

  static final Set<String> STREAMING_SUBRESOURCES = Set.of("exec", "attach", "portforward");

  private final String storeName;
  private final long retentionMs;
  private final DetectionMetrics metrics;
  private FixedKeyProcessorContext<byte[], AuditRecord> context;
  private WindowStore<String, Long> seen;

  StageFilterProcessor(String storeName, long retentionMs, DetectionMetrics metrics) {
    this.storeName = storeName;
    this.retentionMs = retentionMs;
    this.metrics = metrics;
  }

  @Override
  public void init(FixedKeyProcessorContext<byte[], AuditRecord> context) {
    this.context = context;
    this.seen = context.getStateStore(storeName);
  }

  @Override
  public void process(FixedKeyRecord<byte[], AuditRecord> record) {
    AuditRecord audit = record.value();
    AuditEvent event = audit.event();
    String stage = event.stage();
    String subresource = event.subresource();
    // Set.of(...).contains(null) throws, and most events have no subresource.
    boolean streaming = subresource != null && STREAMING_SUBRESOURCES.contains(subresource);
    boolean pass;
    if (AuditEvent.STAGE_RESPONSE_COMPLETE.equals(stage)) {
      pass = !streaming || !seenBefore(audit, record.timestamp());
    } else if (AuditEvent.STAGE_RESPONSE_STARTED.equals(stage) && streaming) {
      pass = !seenBefore(audit, record.timestamp());
      if (pass) {
        seen.put(dedupKey(audit), record.timestamp(), record.timestamp());
      }
    } else {
      pass = false;
    }
    if (pass) {
      context.forward(record);
    } else {
      metrics.skippedStage();
    }
  }

  /**
   * Cluster-scoped: an auditID is unique per API server, not across clusters, and a cluster name only
   * within its workspace.
   */
  private static String dedupKey(AuditRecord audit) {
    return ClusterKeys.of(audit.workspace(), audit.cluster()) + "/" + audit.event().auditID();
  }

  private boolean seenBefore(AuditRecord audit, long timestamp) {
    long from = Math.max(0, timestamp - retentionMs);
    long to = timestamp > Long.MAX_VALUE - retentionMs ? Long.MAX_VALUE : timestamp + retentionMs;
    try (WindowStoreIterator<Long> it = seen.fetch(dedupKey(audit), from, to)) {
      return it.hasNext();
    }
  }
}
