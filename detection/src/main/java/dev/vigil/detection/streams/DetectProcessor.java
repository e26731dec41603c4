package dev.vigil.detection.streams;

import dev.vigil.detection.catalogue.DetectorCatalogue;
import dev.vigil.detection.parsing.AuditRecord;
import dev.vigil.detection.spi.Detector;
import dev.vigil.detection.spi.Match;
import dev.vigil.schemas.AuditEvent;
import dev.vigil.schemas.Finding;
import java.util.List;
import java.util.function.Supplier;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the catalogue's candidate detectors on each event and forwards one finding per match, keyed by fingerprint. */
final class DetectProcessor implements Processor<byte[], AuditRecord, String, Finding> {

  private static final Logger LOG = LoggerFactory.getLogger(DetectProcessor.class);
  private static final int FAILED_REQUEST = 400;

  private final Supplier<DetectorCatalogue> catalogue;
  private final DetectionMetrics metrics;
  private ProcessorContext<String, Finding> context;

  /** {@code catalogue} is read once per event, so a swapped catalogue applies from the next event. */
  DetectProcessor(Supplier<DetectorCatalogue> catalogue, DetectionMetrics metrics) {
    this.catalogue = catalogue;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, Finding> context) {
    this.context = context;
  }

  @Override
  public void process(Record<byte[], AuditRecord> record) {
    AuditEvent event = record.value().event();
    boolean failed = event.responseCode() >= FAILED_REQUEST;
    List<Detector> candidates = catalogue.get().index().candidates(event.verb(), event.resource());
    for (int i = 0; i < candidates.size(); i++) {
      Detector detector = candidates.get(i);
      if (failed && !detector.interest().failedRequests()) {
        continue;
      }
      String type = detector.info().alertType();
      List<Match> matches;
      try {
        matches = detector.inspect(event);
        if (matches == null) {
          throw new IllegalStateException("inspect returned null instead of List.of()");
        }
      } catch (RuntimeException e) {
        // One faulty detector must not stop the others, nor the stream thread.
        metrics.detectorFailed(type);
        LOG.warn("detector {} failed on auditID {}", type, event.auditID(), e);
        continue;
      }
      for (int m = 0; m < matches.size(); m++) {
        Finding finding = Findings.of(record.value(), detector.info(), matches.get(m));
        context.forward(record.withKey(finding.fingerprint()).withValue(finding));
        metrics.findingRaised(type);
      }
    }
    metrics.processed();
  }
}
