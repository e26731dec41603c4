package dev.vigil.alerts.incidents;

import dev.vigil.schemas.Alert;
import dev.vigil.schemas.ClusterKeys;
import dev.vigil.schemas.Incident;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folds alerts of one cluster (the record key, {@code workspace/cluster}) into incidents. An alert
 * already in an incident updates it; a new alert joins the most recent incident it shares a linking
 * entity with inside the window ({@link Correlation}), or opens one. Incidents are published once
 * they hold {@link IncidentsTopology#MIN_ALERTS} alerts, then on every change.
 *
 * <p>{@link IncidentsTopology#LINKS_STORE} maps {@code workspace/cluster␀type:name} (and {@code
 * ␀alert:id}) to the incident that last used it; a wall-clock punctuator forgets incidents, and their
 * links, whose last event is older than window plus retention.
 */
final class IncidentCorrelationProcessor implements Processor<String, Alert, String, Incident> {
  private static final Logger LOG = LoggerFactory.getLogger(IncidentCorrelationProcessor.class);
  private static final Duration EXPIRY_INTERVAL = Duration.ofMinutes(10);

  private final IncidentsConfig config;
  private ProcessorContext<String, Incident> context;
  private KeyValueStore<String, Incident> incidents;
  private KeyValueStore<String, String> links;

  IncidentCorrelationProcessor(IncidentsConfig config) {
    this.config = config;
  }

  @Override
  public void init(ProcessorContext<String, Incident> context) {
    this.context = context;
    this.incidents = context.getStateStore(IncidentsTopology.INCIDENTS_STORE);
    this.links = context.getStateStore(IncidentsTopology.LINKS_STORE);
    context.schedule(EXPIRY_INTERVAL, PunctuationType.WALL_CLOCK_TIME, this::expire);
  }

  static String linkKey(String clusterKey, String link) {
    return clusterKey + "\u0000" + link;
  }

  @Override
  public void process(Record<String, Alert> record) {
    Alert alert = record.value();
    if (alert == null || alert.id() == null || alert.workspace() == null || alert.cluster() == null
        || alert.startTimeUtc() == null || alert.endTimeUtc() == null) {
      LOG.warn("skipping an alert without id, workspace, cluster or times: key={}", record.key());
      return;
    }
    String clusterKey = ClusterKeys.of(alert.workspace(), alert.cluster());
    Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
    String alertLink = linkKey(clusterKey, "alert:" + alert.id());
    String memberOf = links.get(alertLink);
    Incident current = memberOf == null ? null : incidents.get(memberOf);
    List<String> entityLinks = Correlation.links(alert);
    Incident updated;
    if (current != null) {
      updated = Correlation.withAlert(current, alert, now);
    } else {
      Incident joined = candidate(clusterKey, entityLinks, alert);
      updated = joined == null ? Correlation.open(alert, now) : Correlation.withAlert(joined, alert, now);
      current = joined;
    }
    if (updated == current) {
      return;
    }
    incidents.put(updated.id(), updated);
    links.put(alertLink, updated.id());
    for (String link : entityLinks) {
      links.put(linkKey(clusterKey, link), updated.id());
    }
    if (updated.alerts().size() >= IncidentsTopology.MIN_ALERTS) {
      boolean firstPublication = current == null || current.alerts().size() < IncidentsTopology.MIN_ALERTS;
      Record<String, Incident> out = new Record<>(updated.id(), updated, record.timestamp());
      out.headers().add(OcsfIncidentFinding.ACTIVITY_HEADER, OcsfIncidentFinding.header(
          firstPublication ? OcsfIncidentFinding.CREATE : OcsfIncidentFinding.UPDATE));
      context.forward(out);
    }
  }

  /** The most recent incident sharing a link with {@code alert} within the window, or null. */
  private Incident candidate(String clusterKey, List<String> entityLinks, Alert alert) {
    Incident best = null;
    for (String link : entityLinks) {
      String id = links.get(linkKey(clusterKey, link));
      Incident incident = id == null ? null : incidents.get(id);
      if (incident == null || !Correlation.withinWindow(incident, alert, config.window())) {
        continue;
      }
      if (best == null
          || incident.endTimeUtc().isAfter(best.endTimeUtc())
          || (incident.endTimeUtc().equals(best.endTimeUtc()) && incident.id().compareTo(best.id()) > 0)) {
        best = incident;
      }
    }
    return best;
  }

  private void expire(long wallClockMs) {
    Instant horizon = Instant.ofEpochMilli(wallClockMs).minus(config.window()).minus(config.retention());
    List<Incident> old = new ArrayList<>();
    try (KeyValueIterator<String, Incident> it = incidents.all()) {
      while (it.hasNext()) {
        KeyValue<String, Incident> entry = it.next();
        if (entry.value != null && entry.value.endTimeUtc().isBefore(horizon)) {
          old.add(entry.value);
        }
      }
    }
    for (Incident incident : old) {
      String clusterKey = ClusterKeys.of(incident.workspace(), incident.cluster());
      for (Incident.Member m : incident.alerts()) {
        forget(linkKey(clusterKey, "alert:" + m.id()), incident.id());
        if (m.entities() != null) {
          for (var e : m.entities()) {
            if (e != null) {
              forget(linkKey(clusterKey, e.type() + ":" + e.name()), incident.id());
            }
          }
        }
      }
      incidents.delete(incident.id());
    }
  }

  private void forget(String link, String incidentId) {
    if (incidentId.equals(links.get(link))) {
      links.delete(link);
    }
  }
}
