package dev.vigil.detection.stateful;

import dev.vigil.detection.parsing.AuditRecord;
import dev.vigil.schemas.AuditEvent;
import dev.vigil.schemas.Entity;
import dev.vigil.schemas.Finding;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Runs the {@link ThreatIntelRule}: a request (refused or not) from an address in the
 * threat-intelligence lists is a finding. A wall-clock punctuator asks the shared list to re-read
 * changed files.
 */
final class ThreatIntelProcessor implements Processor<String, AuditRecord, String, Finding> {

  private final ThreatIntelList list;
  private final Duration recheck;
  private final StatefulMetrics metrics;
  private ProcessorContext<String, Finding> context;

  ThreatIntelProcessor(ThreatIntelList list, Duration recheck, StatefulMetrics metrics) {
    this.list = list;
    this.recheck = recheck;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, Finding> context) {
    this.context = context;
    context.schedule(recheck, PunctuationType.WALL_CLOCK_TIME, now -> list.refreshIfChanged());
  }

  @Override
  public void process(Record<String, AuditRecord> record) {
    AuditEvent event = record.value().event();
    List<String> ips = event.sourceIPs();
    if (ips == null) {
      return;
    }
    for (int i = 0; i < ips.size(); i++) {
      String ip = ips.get(i);
      String network = list.match(ip);
      if (network != null) {
        String user = event.username();
        Finding finding = StatefulFindings.single(ThreatIntelRule.INFO, ThreatIntelRule.INFO.severity(), record.value(), user,
            List.of(Entity.of("user", user), Entity.of("ip", ip)),
            "A request by " + user + " to cluster " + record.value().cluster() + " (" + event.verb() + " "
                + (event.resourcePath() == null ? event.requestURI() : event.resourcePath())
                + ") came from " + ip + ", listed in threat intelligence as " + network + ".",
            Map.of("matchedIp", ip, "matchedNetwork", network,
                "responseCode", Integer.toString(event.responseCode())));
        context.forward(record.withKey(finding.fingerprint()).withValue(finding));
        metrics.finding();
        return;
      }
    }
  }
}
