package dev.vigil.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.schemas.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * The events the load generator sends: ordinary traffic ({@code get}/{@code list}/{@code watch} of
 * everyday resources by a few hundred service accounts and people, the bulk of a real audit log), a
 * fraction of real corpus events (nearly all of which raise an alert), and marker events — the test
 * alert request in a namespace of its own — whose send time is known.
 *
 * <p>A mix is made for a {@link Workload}: {@code storm} sends only corpus events and spreads their
 * human users over {@value #STORM_PRINCIPALS} principals; {@code churn} gives every event a
 * principal never used before. Corpus events keep their {@code system:} users (node, controllers,
 * anonymous), because detectors depend on exactly those names. Not thread-safe: one per sender.
 */
public final class EventMix {

  /** Marker namespaces start with the test alert's prefix, so {@code K8S_TestAlert} fires on them. */
  static final String MARKER_PREFIX = "asc-alerttest-load-";
  /** The namespace of {@code vigil simulate}'s test request, which the quiet cluster sends. */
  static final String TEST_ALERT_NAMESPACE = "asc-alerttest-662jfi039n";

  static final int ORDINARY_PRINCIPALS = 300;
  static final int STORM_PRINCIPALS = 50;
  static final int NAMESPACES = 5;

  private static final String[] VERBS = {"get", "list", "watch", "get", "list", "get"};
  private static final String[] RESOURCES = {
    "pods", "configmaps", "services", "endpoints", "deployments", "replicasets", "nodes", "leases"
  };
  private static final String USER_SLOT = "@@vigil-load-user@@";

  private final List<String> corpus;
  private final List<String> corpusTemplates;
  private final double alertingFraction;
  private final int principals;
  private final AtomicLong newPrincipals;
  private final Random random;
  private long sequence;

  /** The ordinary mix. */
  public EventMix(List<String> corpus, double alertingFraction, long seed) {
    this(corpus, null, alertingFraction, ORDINARY_PRINCIPALS, null, seed);
  }

  private EventMix(List<String> corpus, List<String> corpusTemplates, double alertingFraction,
      int principals, AtomicLong newPrincipals, long seed) {
    if (alertingFraction < 0 || alertingFraction > 1) {
      throw new IllegalArgumentException("alerting fraction must be within [0, 1]: " + alertingFraction);
    }
    this.corpus = corpus;
    this.corpusTemplates = corpusTemplates;
    this.alertingFraction = alertingFraction;
    this.principals = principals;
    this.newPrincipals = newPrincipals;
    this.random = new Random(seed);
  }

  /**
   * The mix of {@code workload}; {@code newPrincipals} numbers churn's principals and is shared by
   * every sender, so no two events anywhere have the same one.
   */
  static EventMix of(Workload workload, List<String> corpus, double alertingFraction, long seed,
      AtomicLong newPrincipals) {
    return switch (workload) {
      case ORDINARY, NOISY_NEIGHBOUR -> new EventMix(corpus, alertingFraction, seed);
      case STORM -> new EventMix(corpus, templates(corpus), 1.0, STORM_PRINCIPALS, null, seed);
      case CHURN -> new EventMix(corpus, templates(corpus), alertingFraction, 0, newPrincipals, seed);
    };
  }

  /** True when every batch must be generated afresh (a pool of batches would repeat principals). */
  boolean needsFreshBatches() {
    // Churn: a principal never seen before. Storm: every event alerts, so every event needs an audit ID
    // never sent before — a reused body would repeat audit IDs, which the alerts side counts once.
    return newPrincipals != null || alertingFraction >= 1;
  }

  /** The events of one batch: corpus events with probability {@code alertingFraction}, else ordinary ones. */
  public List<String> batch(int size, Instant now) {
    List<String> events = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      if (alertingFraction >= 1 || random.nextDouble() < alertingFraction) {
        events.add(corpusEvent());
      } else {
        events.add(ordinary(now));
      }
    }
    return events;
  }

  /**
   * A corpus event with an audit ID of its own: a real cluster never sends one request twice, and
   * the alerts side counts a repeated audit ID of one alert once (a client's retry).
   */
  private String corpusEvent() {
    int i = random.nextInt(corpus.size());
    String event;
    if (corpusTemplates == null) {
      event = corpus.get(i);
    } else {
      String template = corpusTemplates.get(i);
      event = template.contains(USER_SLOT) ? template.replace(USER_SLOT, principal()) : template;
    }
    return withAuditId(event, "corpus-" + sequence++);
  }

  /** The event with the value of its first {@code "auditID"} replaced, or unchanged without one. */
  static String withAuditId(String event, String auditId) {
    String name = "\"auditID\":\"";
    int start = event.indexOf(name);
    if (start < 0) {
      return event;
    }
    start += name.length();
    int end = event.indexOf('"', start);
    return end < 0 ? event : event.substring(0, start) + auditId + event.substring(end);
  }

  /** The next principal: a new service account under churn, else one of {@code principals}. */
  private String principal() {
    if (newPrincipals != null) {
      long n = newPrincipals.getAndIncrement();
      return "system:serviceaccount:churn-" + (n % NAMESPACES) + ":sa-" + n;
    }
    int p = random.nextInt(principals);
    if (p == 0) {
      return "system:kube-scheduler";
    }
    return p % 3 == 0
        ? "user-" + p + "@example.com"
        : "system:serviceaccount:team-" + (p % NAMESPACES) + ":app-" + p;
  }

  String ordinary(Instant now) {
    long n = sequence++;
    String user = principal();
    String verb = VERBS[random.nextInt(VERBS.length)];
    String resource = RESOURCES[random.nextInt(RESOURCES.length)];
    String namespace = resource.equals("nodes") ? null : "team-" + random.nextInt(NAMESPACES);
    return event("load-" + n, user, verb, resource, namespace, now);
  }

  /** The test-alert request in namespace {@code MARKER_PREFIX + id}. */
  static String marker(String id, Instant now) {
    return event("marker-" + id, "load-generator", "list", "pods", MARKER_PREFIX + id, now);
  }

  /**
   * {@code vigil simulate}'s request, {@code list pods} in {@link #TEST_ALERT_NAMESPACE}, with an
   * audit ID and timestamps of its own: every one folds into the same {@code K8S_TestAlert} (the
   * fingerprint is cluster, type and namespace), whose count and end time then move.
   */
  static String testAlertRequest(String auditId, Instant at) {
    return event(auditId, "system:serviceaccount:kube-system:vigil-quiet-probe", "list", "pods",
        TEST_ALERT_NAMESPACE, at);
  }

  private static String event(
      String auditId, String user, String verb, String resource, String namespace, Instant now) {
    String ts = now.toString();
    StringBuilder json = new StringBuilder(640);
    json.append("{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"Metadata\",")
        .append("\"auditID\":\"").append(auditId).append("\",\"stage\":\"ResponseComplete\",")
        .append("\"requestURI\":\"/api/v1/")
        .append(namespace == null ? "" : "namespaces/" + namespace + "/")
        .append(resource).append("\",\"verb\":\"").append(verb).append("\",")
        .append("\"user\":{\"username\":\"").append(user)
        .append("\",\"groups\":[\"system:authenticated\"]},")
        .append("\"sourceIPs\":[\"10.1.2.3\"],\"userAgent\":\"kubectl/v1.30.0 (linux/amd64)\",")
        .append("\"objectRef\":{\"resource\":\"").append(resource).append('"');
    if (namespace != null) {
      json.append(",\"namespace\":\"").append(namespace).append('"');
    }
    json.append(",\"apiVersion\":\"v1\"},\"responseStatus\":{\"metadata\":{},\"code\":200},")
        .append("\"requestReceivedTimestamp\":\"").append(ts).append("\",")
        .append("\"stageTimestamp\":\"").append(ts).append("\",")
        .append("\"annotations\":{\"authorization.k8s.io/decision\":\"allow\"}}");
    return json.toString();
  }

  /** Corpus events with a human user's name replaced by a slot; {@code system:} users are kept. */
  private static List<String> templates(List<String> corpus) {
    List<String> templates = new ArrayList<>(corpus.size());
    for (String line : corpus) {
      try {
        JsonNode event = Json.mapper().readTree(line);
        JsonNode user = event.path("user");
        String name = user.path("username").asText("");
        if (user instanceof ObjectNode object && !name.isEmpty() && !name.startsWith("system:")) {
          object.put("username", USER_SLOT);
          templates.add(Json.mapper().writeValueAsString(event));
        } else {
          templates.add(line);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("corpus event is not JSON: " + line, e);
      }
    }
    return templates;
  }

  /** A gzip'd {@code EventList} of {@code events}, the way kube-apiserver's webhook sends them. */
  static byte[] gzipEventList(List<String> events) {
    StringBuilder body =
        new StringBuilder("{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\",\"metadata\":{},\"items\":[");
    for (int i = 0; i < events.size(); i++) {
      if (i > 0) {
        body.append(',');
      }
      body.append(events.get(i));
    }
    body.append("]}");
    ByteArrayOutputStream out = new ByteArrayOutputStream(body.length() / 6);
    try (GZIPOutputStream gz =
        new GZIPOutputStream(out, 64 * 1024) {
          {
            def.setLevel(Deflater.BEST_SPEED);
          }
        }) {
      gz.write(body.toString().getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
