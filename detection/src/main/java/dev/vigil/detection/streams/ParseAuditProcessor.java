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
 * Parses each raw record. A rejected record is forwarded with its original bytes and headers plus
 * {@code vigil-reason}, for the DLQ branch.
 */
final class ParseAuditProcessor implements FixedKeyProcessor<String, byte[], ParseResult> {

  private static final Logger LOG = LoggerFactory.getLogger(ParseAuditProcessor.class);

  private final DetectionMetrics metrics;
  private FixedKeyProcessorContext<String, ParseResult> context;

  ParseAuditProcessor(DetectionMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void init(FixedKeyProcessorContext<String, ParseResult> context) {
    this.context = context;
  }

  @Override
  public void process(FixedKeyRecord<String, byte[]> record) {
    ParseResult result = AuditParser.parse(record.value(), record.headers());
    if (!result.isRejected()) {
      context.forward(record.withValue(result));
      return;
    }
    metrics.rejected();
    LOG.debug("audit record with key {} rejected: {}", record.key(), result.reason());
    // A copy: the input record's headers are not ours to change.
    Headers headers = new RecordHeaders(record.headers().toArray());
    headers.remove(VigilHeaders.REASON);
    headers.add(VigilHeaders.REASON, result.reason().getBytes(StandardCharsets.UTF_8));
    context.forward(record.withValue(result).withHeaders(headers));
  }
}
