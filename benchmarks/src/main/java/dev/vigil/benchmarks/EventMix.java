package dev.vigil.benchmarks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * The events the load generator sends: ordinary traffic ({@code get}/{@code list}/{@code watch} of
 * everyday resources by a few hundred service accounts and people, the bulk of a real audit log), a
 * fraction of real corpus events (nearly all of which raise an alert), and marker events — the test
 * alert request in a namespace of its own — whose send time is known.
 */
public final class EventMix {

  /** Marker namespaces start with the test alert's prefix, so {@code K8S_TestAlert} fires on them. */
  static final String MARKER_PREFIX = "asc-alerttest-load-";

  private static final String[] VERBS = {"get", "list", "watch", "get", "list", "get"};
  private static final String[] RESOURCES = {
    "pods", "configmaps", "services", "endpoints", "deployments", "replicasets", "nodes", "leases"
  };
  private static final int PRINCIPALS = 300;

  private final List<String> corpus;
  private final double alertingFraction;
  private final Random random;
  private long sequence;

  public EventMix(List<String> corpus, double alertingFraction, long seed) {
    if (alertingFraction < 0 || alertingFraction > 1) {
      throw new IllegalArgumentException("alerting fraction must be within [0, 1]: " + alertingFraction);
    }
    this.corpus = corpus;
    this.alertingFraction = alertingFraction;
    this.random = new Random(seed);
  }

  /** The events of one batch: corpus events with probability {@code alertingFraction}, else ordinary ones. */
  public List<String> batch(int size, Instant now) {
    List<String> events = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      if (random.nextDouble() < alertingFraction) {
        events.add(corpus.get(random.nextInt(corpus.size())));
      } else {
        events.add(ordinary(now));
      }
    }
    return events;
  }

  String ordinary(Instant now) {
    long n = sequence++;
    int principal = random.nextInt(PRINCIPALS);
    String user =
        principal % 3 == 0
            ? "user-" + principal + "@example.com"
            : "system:serviceaccount:team-" + (principal % 40) + ":app-" + principal;
    String verb = VERBS[random.nextInt(VERBS.length)];
    String resource = RESOURCES[random.nextInt(RESOURCES.length)];
    String namespace = resource.equals("nodes") ? null : "team-" + (principal % 40);
    return event("load-" + n, user, verb, resource, namespace, now);
  }

  /** The test-alert request in namespace {@code MARKER_PREFIX + id}. */
  static String marker(String id, Instant now) {
    return event("marker-" + id, "load-generator", "list", "pods", MARKER_PREFIX + id, now);
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
