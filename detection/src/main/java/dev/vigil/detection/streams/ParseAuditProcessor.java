package dev.vigil.detection.streams;

import dev.vigil.detection.parsing.AuditParser;
import dev.vigil.detection.parsing.ParseResult;
import dev.vigil.schemas.VigilHeaders;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parses each raw record. A rejected record is forwarded with its original key, bytes and headers
 * plus {@code vigil-reason}, for the DLQ branch. A valid one is forwarded without the raw headers:
 * what detection needs of them (cluster, workspace, receipt time, backfill) is in the {@code
 * AuditRecord}, and Kafka Streams copies a record's headers at every step it takes, so headers
 * nothing downstream reads would be copied a dozen times per event and written onto its findings.
 */
final class ParseAuditProcessor implements FixedKeyProcessor<byte[], byte[], ParseResult> {

  private static final Logger LOG = LoggerFactory.getLogger(ParseAuditProcessor.class);
  /** Shared safely: a record copies the headers it is given. */
  private static final Headers NO_HEADERS = new RecordHeaders();

  private final DetectionMetrics metrics;
  private FixedKeyProcessorContext<byte[], ParseResult> context;

  ParseAuditProcessor(DetectionMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void init(FixedKeyProcessorContext<byte[], ParseResult> context) {
    this.context = context;
  }

  @Override
  public void process(FixedKeyRecord<byte[], byte[]> record) {
    ParseResult result = AuditParser.parse(record.value(), record.headers());
    if (!result.isRejected()) {
      context.forward(record.withValue(result).withHeaders(NO_HEADERS));
      return;
    }
    metrics.rejected();
    LOG.debug("audit record with key {} rejected: {}", keyText(record.key()), result.reason());
    // A copy: the input record's headers are not ours to change.
    Headers headers = new RecordHeaders(record.headers().toArray());
    headers.remove(VigilHeaders.REASON);
    headers.add(VigilHeaders.REASON, result.reason().getBytes(StandardCharsets.UTF_8));
    context.forward(record.withValue(result).withHeaders(headers));
  }

  private static String keyText(byte[] key) {
    return key == null ? null : new String(key, StandardCharsets.UTF_8);
  }
}
