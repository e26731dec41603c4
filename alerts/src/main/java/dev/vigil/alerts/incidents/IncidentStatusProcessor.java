package dev.vigil.alerts.incidents;

import dev.vigil.schemas.AlertStatus;
import dev.vigil.schemas.Incident;
import dev.vigil.schemas.IncidentStatusChange;
import java.time.Instant;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies triage decisions from {@code vigil.incident-status.v1}, re-keyed by cluster so it runs in
 * the task that owns the cluster's incidents and shares {@link IncidentsTopology#INCIDENTS_STORE}
 * with {@link IncidentCorrelationProcessor}. A change of another workspace, or of an incident whose
 * correlation state has expired, is dropped with a warning.
 */
final class IncidentStatusProcessor implements Processor<String, IncidentStatusChange, String, Incident> {
  private static final Logger LOG = LoggerFactory.getLogger(IncidentStatusProcessor.class);

  private ProcessorContext<String, Incident> context;
  private KeyValueStore<String, Incident> incidents;

  @Override
  public void init(ProcessorContext<String, Incident> context) {
    this.context = context;
    this.incidents = context.getStateStore(IncidentsTopology.INCIDENTS_STORE);
  }

  @Override
  public void process(Record<String, IncidentStatusChange> record) {
    IncidentStatusChange change = record.value();
    if (change.incidentId() == null || change.status() == null || change.workspace() == null
        || change.changedAt() == null) {
      LOG.warn("dropping an unusable incident status change: key={}", record.key());
      return;
    }
    Incident incident = incidents.get(change.incidentId());
    if (incident == null || !change.workspace().equals(incident.workspace())) {
      LOG.warn("dropping a status change of incident {}: not held by this task or of another workspace",
          change.incidentId());
      return;
    }
    Incident updated =
        Correlation.withStatus(incident, change, Instant.ofEpochMilli(context.currentSystemTimeMs()));
    incidents.put(updated.id(), updated);
    boolean closed = updated.status() == AlertStatus.Resolved || updated.status() == AlertStatus.Dismissed;
    Record<String, Incident> out = new Record<>(updated.id(), updated, record.timestamp());
    out.headers().add(OcsfIncidentFinding.ACTIVITY_HEADER,
        OcsfIncidentFinding.header(closed ? OcsfIncidentFinding.CLOSE : OcsfIncidentFinding.UPDATE));
    context.forward(out);
  }
}
