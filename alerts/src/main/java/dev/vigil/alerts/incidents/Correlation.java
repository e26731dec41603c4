package dev.vigil.alerts.incidents;

import dev.vigil.schemas.Alert;
import dev.vigil.schemas.AlertHistoryEntry;
import dev.vigil.schemas.AlertStatus;
import dev.vigil.schemas.Entity;
import dev.vigil.schemas.Fingerprints;
import dev.vigil.schemas.Incident;
import dev.vigil.schemas.IncidentSeverity;
import dev.vigil.schemas.IncidentStatusChange;
import dev.vigil.schemas.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The correlation rules, as plain functions: which entities link alerts, when an alert may join an
 * incident, and what an incident looks like after it did. No Kafka types; the processors supply the
 * stores.
 */
final class Correlation {

  /** Entity types that link alerts: principals, workloads, pods, and objects a principal created. */
  static final Set<String> LINK_TYPES =
      Set.of("user", "pod", "workload", "binding", "role", "secret", "service");

  /** Most linking entities an incident lists. */
  static final int MAX_ENTITIES = 50;

  /** Who changes an incident's status on its own (a new alert reopening a closed incident). */
  static final String SYSTEM = "vigil";

  /** Timeline order: start time, then alert id. */
  static final Comparator<Incident.Member> TIMELINE =
      Comparator.comparing(Incident.Member::startTimeUtc, Comparator.nullsLast(Comparator.naturalOrder()))
          .thenComparing(Incident.Member::id);

  private Correlation() {}

  /**
   * The linking entities of {@code alert} as {@code type:name} keys. Control-plane principals
   * ({@code system:} users other than service accounts outside {@code kube-system}) act for everybody
   * and would glue unrelated alerts together, so they never link.
   */
  static List<String> links(Alert alert) {
    Set<String> keys = new LinkedHashSet<>();
    if (alert.entities() != null) {
      for (Entity e : alert.entities()) {
        if (e != null && e.name() != null && !e.name().isEmpty() && links(e)) {
          keys.add(e.type() + ":" + e.name());
        }
      }
    }
    return List.copyOf(keys);
  }

  private static boolean links(Entity e) {
    if (!LINK_TYPES.contains(e.type())) {
      return false;
    }
    if (!e.type().equals("user")) {
      return true;
    }
    String user = e.name();
    return !user.startsWith("system:")
        || user.equals("system:anonymous")
        || (user.startsWith("system:serviceaccount:") && !user.startsWith("system:serviceaccount:kube-system:"));
  }

  /** True when {@code alert}'s events are within {@code window} of {@code incident}'s. */
  static boolean withinWindow(Incident incident, Alert alert, Duration window) {
    return !alert.startTimeUtc().isAfter(incident.endTimeUtc().plus(window))
        && !alert.endTimeUtc().isBefore(incident.startTimeUtc().minus(window));
  }

  /** A new incident opened by {@code alert}; its id is derived from the alert's, so a replay gives the same. */
  static Incident open(Alert alert, Instant now) {
    String id = Fingerprints.sha256Hex(32, "incident", alert.workspace(), alert.cluster(), alert.id());
    return rebuild(
        new Incident(id, alert.workspace(), alert.cluster(), null, null, AlertStatus.Active, null, null,
            null, alert.startTimeUtc(), alert.endTimeUtc(), now, now, List.of(), List.of()),
        List.of(Incident.Member.of(alert)),
        now);
  }

  /**
   * {@code incident} with {@code alert} added or, when it is a member already, updated. Returns
   * {@code incident} itself when nothing changed. A new alert reopens a resolved or dismissed incident
   * (new activity of the same story), recorded in its history.
   */
  static Incident withAlert(Incident incident, Alert alert, Instant now) {
    Incident.Member member = Incident.Member.of(alert);
    List<Incident.Member> members = new ArrayList<>(incident.alerts());
    boolean isNew = true;
    for (int i = 0; i < members.size(); i++) {
      if (members.get(i).id().equals(alert.id())) {
        if (members.get(i).equals(member)) {
          return incident;
        }
        members.set(i, member);
        isNew = false;
      }
    }
    if (isNew) {
      if (members.size() >= Incident.MAX_ALERTS) {
        return incident;
      }
      members.add(member);
    }
    Incident updated = rebuild(incident, members, now);
    if (isNew && (incident.status() == AlertStatus.Resolved || incident.status() == AlertStatus.Dismissed)) {
      updated = withHistory(updated, new AlertHistoryEntry(AlertStatus.Active,
          "reopened: alert " + alert.id() + " (" + alert.alertType() + ") joined", SYSTEM, now), now);
    }
    return updated;
  }

  /** {@code incident} with the triage decision applied and recorded in its history. */
  static Incident withStatus(Incident incident, IncidentStatusChange change, Instant now) {
    return withHistory(incident, change.toHistoryEntry(), now);
  }

  private static Incident withHistory(Incident i, AlertHistoryEntry entry, Instant now) {
    List<AlertHistoryEntry> history = new ArrayList<>(i.history());
    history.add(entry);
    while (history.size() > Alert.MAX_HISTORY) {
      history.remove(0);
    }
    return new Incident(i.id(), i.workspace(), i.cluster(), i.title(), i.severity(), entry.status(),
        i.tactics(), i.techniques(), i.entities(), i.startTimeUtc(), i.endTimeUtc(), i.createdTimeUtc(),
        now, i.alerts(), history);
  }

  /** Recomputes every derived field of {@code i} from {@code members}. */
  private static Incident rebuild(Incident i, List<Incident.Member> members, Instant now) {
    List<Incident.Member> timeline = new ArrayList<>(members);
    timeline.sort(TIMELINE);
    Set<String> tactics = new LinkedHashSet<>();
    Set<String> techniques = new TreeSet<>();
    Set<Entity> entities = new LinkedHashSet<>();
    Severity highest = Severity.Informational;
    Instant start = i.startTimeUtc();
    Instant end = i.endTimeUtc();
    for (Incident.Member m : timeline) {
      if (m.tactics() != null) {
        tactics.addAll(m.tactics());
      }
      if (m.techniques() != null) {
        techniques.addAll(m.techniques());
      }
      if (m.entities() != null) {
        for (Entity e : m.entities()) {
          if (e != null && e.name() != null && links(e) && entities.size() < MAX_ENTITIES) {
            entities.add(e);
          }
        }
      }
      if (m.severity() != null && m.severity().compareTo(highest) > 0) {
        highest = m.severity();
      }
      start = min(start, m.startTimeUtc());
      end = max(end, m.endTimeUtc());
    }
    List<String> ordered = KillChain.ordered(tactics);
    return new Incident(i.id(), i.workspace(), i.cluster(), title(timeline, ordered, i.cluster()),
        severity(highest, ordered.size()), i.status(), ordered, List.copyOf(techniques),
        List.copyOf(entities), start, end, i.createdTimeUtc(), now, timeline, i.history());
  }

  /**
   * The highest severity of the alerts, raised one step when they span two or more tactics and two
   * steps from four: a chain of steps is worse than any one of them.
   */
  static IncidentSeverity severity(Severity highest, int tactics) {
    int steps = tactics >= 4 ? 2 : tactics >= 2 ? 1 : 0;
    return IncidentSeverity.of(highest).raisedBy(steps);
  }

  private static String title(List<Incident.Member> timeline, List<String> tactics, String cluster) {
    String subject = null;
    for (Incident.Member m : timeline) {
      if (m.entities() != null) {
        for (Entity e : m.entities()) {
          if (e != null && "user".equals(e.type()) && e.name() != null && links(e)) {
            subject = e.name();
            break;
          }
        }
      }
      if (subject != null) {
        break;
      }
    }
    if (subject == null && !timeline.isEmpty()) {
      subject = timeline.get(0).compromisedEntity();
    }
    String steps = timeline.size() + (timeline.size() == 1 ? " alert" : " alerts");
    String span = tactics.isEmpty() ? "" : " across " + String.join(", ", tactics);
    return steps + " of " + subject + " on " + cluster + span;
  }

  private static Instant min(Instant a, Instant b) {
    return a == null ? b : b == null || !b.isBefore(a) ? a : b;
  }

  private static Instant max(Instant a, Instant b) {
    return a == null ? b : b == null || !b.isAfter(a) ? a : b;
  }
}
