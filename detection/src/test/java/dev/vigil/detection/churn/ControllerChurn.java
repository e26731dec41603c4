package dev.vigil.detection.churn;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.schemas.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;

/**
 * The audit events of a quiet cluster going about its business, at the rates its components really
 * write them: kubelet lease renewals (10 s) and node status (1 min) of every node, pod status
 * patches, projected-token requests and the watches of pod secrets and config maps; the controller
 * manager's and scheduler's leader-election leases (2 s); endpoint and EndpointSlice updates;
 * events created and patched; HPAs reading metrics and scale every 15 s; the CronJob controller
 * creating Jobs whose pods the Job controller creates and the scheduler binds; kube-proxy, CoreDNS
 * and operators (kube-state-metrics, cert-manager, Prometheus operator, Argo CD, ingress-nginx)
 * re-establishing their watches, secrets included, reading their own secrets, writing generated
 * configuration and renewing a certificate; and the node authorizer refusing a kubelet a
 * secret of a pod not yet bound to it. Request shapes (URIs, user agents, groups, objectRef) are
 * those kube-apiserver writes. Deterministic for a seed.
 */
final class ControllerChurn {

  /** One audit event and its stage time. */
  record Event(Instant at, String json) {}

  private static final String VERSION = "v1.30.2 (linux/amd64) kubernetes/3968350";
  private static final String KUBELET = "kubelet/" + VERSION;
  private static final String KCM = "kube-controller-manager/" + VERSION;
  private static final String[] APP_NAMESPACES = {"shop", "payments", "search", "web", "batch"};

  private final Random random;
  private final Instant start;
  private final int nodes;
  private final List<Event> events = new ArrayList<>();

  ControllerChurn(long seed, Instant start, int nodes) {
    this.random = new Random(seed);
    this.start = start;
    this.nodes = nodes;
  }

  /** Every event of {@code length} of event time, in time order. */
  List<Event> generate(Duration length) {
    long seconds = length.toSeconds();
    for (int n = 0; n < nodes; n++) {
      String node = "worker-" + n;
      String ip = "10.0.1." + (10 + n);
      int phase = random.nextInt(10);
      for (long t = phase; t < seconds; t += 10) {
        nodeLease(at(t), node, ip);
      }
      for (long t = random.nextInt(60); t < seconds; t += 60) {
        nodeStatus(at(t), node, ip);
      }
      for (long t = random.nextInt(20); t < seconds; t += 20 + random.nextInt(20)) {
        podStatus(at(t), node, ip);
      }
      for (long t = random.nextInt(600); t < seconds; t += 300 + random.nextInt(300)) {
        kubeletWatchesPodObjects(at(t), node, ip);
      }
      for (long t = random.nextInt(300); t < seconds; t += 600 + random.nextInt(600)) {
        projectedToken(at(t), node, ip);
      }
      for (long t = random.nextInt(420); t < seconds; t += 420 + random.nextInt(120)) {
        serviceAccountWatch(at(t), "kube-system", "kube-proxy", "kube-proxy/" + VERSION, ip,
            "/apis/discovery.k8s.io/v1/endpointslices?allowWatchBookmarks=true&labelSelector=%21service.kubernetes.io%2Fheadless%2C%21service.kubernetes.io%2Fservice-proxy-name&resourceVersion=48213&timeout=8m17s&timeoutSeconds=497&watch=true",
            "endpointslices", "discovery.k8s.io", null);
      }
      for (long t = random.nextInt(3600); t < seconds; t += 3600) {
        nodeAuthorizerRefusal(at(t), node, ip);
      }
    }
    for (long t = 0; t < seconds; t += 2) {
      leaderLease(at(t), "system:kube-controller-manager", KCM + "/leader-election",
          "kube-controller-manager");
      leaderLease(at(t).plusMillis(700), "system:kube-scheduler",
          "kube-scheduler/" + VERSION + "/leader-election", "kube-scheduler");
    }
    for (long t = 0; t < seconds; t++) {
      if (random.nextInt(3) == 0) {
        endpoints(at(t));
      }
      for (int i = random.nextInt(4); i > 0; i--) {
        kubeEvent(at(t).plusMillis(random.nextInt(1000)));
      }
    }
    for (int hpa = 0; hpa < 8; hpa++) {
      String ns = APP_NAMESPACES[hpa % APP_NAMESPACES.length];
      String name = "api-" + hpa;
      for (long t = random.nextInt(15); t < seconds; t += 15) {
        hpa(at(t), ns, name);
      }
    }
    for (int job = 0; job < 4; job++) {
      String ns = job % 2 == 0 ? "batch" : "shop";
      String name = "report-" + job;
      for (long t = 30 + job * 7; t < seconds; t += 300) {
        cronJobRun(at(t), ns, name, t);
      }
    }
    String[][] watchers = {
      {"kube-system", "kube-state-metrics", "kube-state-metrics/v2.13.0", "secrets"},
      {"kube-system", "kube-state-metrics", "kube-state-metrics/v2.13.0", "configmaps"},
      {"cert-manager", "cert-manager", "cert-manager-controller/v1.15.1", "secrets"},
      {"cert-manager", "cert-manager-cainjector", "cainjector/v1.15.1", "secrets"},
      {"monitoring", "prometheus-operator", "PrometheusOperator/0.75.1", "secrets"},
      {"argocd", "argocd-application-controller", "argocd-application-controller/v2.11.3", "secrets"},
      {"ingress-nginx", "ingress-nginx", "nginx-ingress-controller/v1.10.1", "secrets"},
      {"kube-system", "coredns", "coredns/v1.11.1", "endpointslices"},
    };
    for (String[] w : watchers) {
      for (long t = random.nextInt(600); t < seconds; t += 300 + random.nextInt(300)) {
        boolean core = !"endpointslices".equals(w[3]);
        String uri = (core ? "/api/v1/" : "/apis/discovery.k8s.io/v1/") + w[3]
            + "?allowWatchBookmarks=true&resourceVersion=" + (48000 + t) + "&timeout=6m&timeoutSeconds=360&watch=true";
        serviceAccountWatch(at(t), w[0], w[1], w[2] + " (linux/amd64)", "10.244." + (1 + random.nextInt(30)) + "." + (2 + random.nextInt(250)),
            uri, w[3], core ? null : "discovery.k8s.io", null);
      }
    }
    String[][] operatorReads = {
      {"cert-manager", "cert-manager", "cert-manager-controller/v1.15.1", "get", "cert-manager", "letsencrypt-prod-account-key"},
      {"argocd", "argocd-server", "argocd-server/v2.11.3", "get", "argocd", "argocd-secret"},
      {"argocd", "argocd-application-controller", "argocd-application-controller/v2.11.3", "get", "argocd", "cluster-prod-eu-1"},
      {"monitoring", "prometheus-operator", "PrometheusOperator/0.75.1", "get", "monitoring", "alertmanager-main"},
      {"monitoring", "prometheus-operator", "PrometheusOperator/0.75.1", "update", "monitoring", "prometheus-k8s"},
    };
    for (String[] r : operatorReads) {
      for (long t = random.nextInt(180); t < seconds; t += 180 + random.nextInt(420)) {
        add(base(at(t), r[3], "/api/v1/namespaces/" + r[4] + "/secrets/" + r[5],
            serviceAccount(r[0], r[1]), "10.244.7." + (2 + random.nextInt(250)), r[2] + " (linux/amd64)",
            "secrets", null, r[4], r[5], null, 200));
      }
    }
    add(base(at(seconds / 2), "update", "/api/v1/namespaces/shop/secrets/web-tls",
        serviceAccount("cert-manager", "cert-manager"), "10.244.3.17",
        "cert-manager-certificates-issuing/v1.15.1 (linux/amd64) cert-manager/v1.15.1",
        "secrets", null, "shop", "web-tls", null, 200));
    events.sort(Comparator.comparing(Event::at));
    return events;
  }

  private Instant at(long second) {
    return start.plusSeconds(second).plusMillis(random.nextInt(1000));
  }

  // ---- the components ----

  private void nodeLease(Instant at, String node, String ip) {
    ObjectNode e = base(at, "update", "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/" + node + "?timeout=10s",
        node(node), ip, KUBELET, "leases", "coordination.k8s.io", "kube-node-lease", node, null, 200);
    ObjectNode lease = e.putObject("requestObject");
    lease.put("kind", "Lease").put("apiVersion", "coordination.k8s.io/v1");
    lease.putObject("metadata").put("name", node).put("namespace", "kube-node-lease");
    lease.putObject("spec").put("holderIdentity", node).put("leaseDurationSeconds", 40)
        .put("renewTime", at.toString());
    add(e);
  }

  private void nodeStatus(Instant at, String node, String ip) {
    ObjectNode e = base(at, "patch", "/api/v1/nodes/" + node + "/status?timeout=10s", node(node), ip,
        KUBELET, "nodes", null, null, node, "status", 200);
    e.putObject("requestObject").putObject("status").putArray("conditions").addObject()
        .put("type", "Ready").put("status", "True").put("lastHeartbeatTime", at.toString());
    add(e);
  }

  private void podStatus(Instant at, String node, String ip) {
    String ns = APP_NAMESPACES[random.nextInt(APP_NAMESPACES.length)];
    String pod = "api-" + random.nextInt(8) + "-7d9f8c6b5-" + suffix();
    ObjectNode e = base(at, "patch", "/api/v1/namespaces/" + ns + "/pods/" + pod + "/status", node(node),
        ip, KUBELET, "pods", null, ns, pod, "status", 200);
    e.putObject("requestObject").putObject("status").putArray("conditions").addObject()
        .put("type", "Ready").put("status", "True");
    add(e);
  }

  private void kubeletWatchesPodObjects(Instant at, String node, String ip) {
    String ns = APP_NAMESPACES[random.nextInt(APP_NAMESPACES.length)];
    for (String[] object : new String[][] {{"secrets", "db-creds"}, {"configmaps", "app-settings"},
        {"configmaps", "kube-root-ca.crt"}}) {
      String uri = "/api/v1/namespaces/" + ns + "/" + object[0] + "?allowWatchBookmarks=true&fieldSelector=metadata.name%3D"
          + object[1] + "&resourceVersion=48120&timeout=7m5s&timeoutSeconds=425&watch=true";
      add(base(at, "watch", uri, node(node), ip, KUBELET, object[0], null, ns, object[1], null, 200));
      at = at.plusMillis(3);
    }
  }

  private void projectedToken(Instant at, String node, String ip) {
    String ns = APP_NAMESPACES[random.nextInt(APP_NAMESPACES.length)];
    ObjectNode e = base(at, "create", "/api/v1/namespaces/" + ns + "/serviceaccounts/default/token",
        node(node), ip, KUBELET, "serviceaccounts", null, ns, "default", "token", 201);
    ObjectNode request = e.putObject("requestObject");
    request.put("kind", "TokenRequest").put("apiVersion", "authentication.k8s.io/v1");
    request.putObject("spec").put("expirationSeconds", 3607).putArray("audiences")
        .add("https://kubernetes.default.svc.cluster.local");
    add(e);
  }

  private void nodeAuthorizerRefusal(Instant at, String node, String ip) {
    String ns = APP_NAMESPACES[random.nextInt(APP_NAMESPACES.length)];
    ObjectNode e = base(at, "get", "/api/v1/namespaces/" + ns + "/secrets/db-creds", node(node), ip,
        KUBELET, "secrets", null, ns, "db-creds", null, 403);
    e.with("annotations").put("authorization.k8s.io/decision", "forbid")
        .put("authorization.k8s.io/reason", "no relationship found between node '" + node
            + "' and this object");
    add(e);
  }

  private void leaderLease(Instant at, String user, String agent, String name) {
    ObjectNode e = base(at, "update", "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/" + name + "?timeout=5s",
        user(user), "10.0.0.10", agent, "leases", "coordination.k8s.io", "kube-system", name, null, 200);
    ObjectNode lease = e.putObject("requestObject");
    lease.put("kind", "Lease").put("apiVersion", "coordination.k8s.io/v1");
    lease.putObject("metadata").put("name", name).put("namespace", "kube-system");
    lease.putObject("spec").put("holderIdentity", "control-plane-0_" + UUID.nameUUIDFromBytes(name.getBytes()))
        .put("leaseDurationSeconds", 15);
    add(e);
  }

  private void endpoints(Instant at) {
    String ns = APP_NAMESPACES[random.nextInt(APP_NAMESPACES.length)];
    String svc = "api-" + random.nextInt(8);
    add(base(at, "update", "/api/v1/namespaces/" + ns + "/endpoints/" + svc,
        serviceAccount("kube-system", "endpoint-controller"), "10.0.0.10", KCM + "/system:serviceaccount:kube-system:endpoint-controller",
        "endpoints", null, ns, svc, null, 200));
    add(base(at.plusMillis(4), "update", "/apis/discovery.k8s.io/v1/namespaces/" + ns + "/endpointslices/" + svc + "-" + suffix(),
        serviceAccount("kube-system", "endpointslice-controller"), "10.0.0.10",
        KCM + "/system:serviceaccount:kube-system:endpointslice-controller", "endpointslices",
        "discovery.k8s.io", ns, svc + "-x7k2p", null, 200));
  }

  private void kubeEvent(Instant at) {
    String ns = APP_NAMESPACES[random.nextInt(APP_NAMESPACES.length)];
    int who = random.nextInt(3);
    ObjectNode user = who == 0 ? node("worker-" + random.nextInt(nodes))
        : who == 1 ? user("system:kube-scheduler")
        : serviceAccount("kube-system", "replicaset-controller");
    String agent = who == 0 ? KUBELET : who == 1 ? "kube-scheduler/" + VERSION
        : KCM + "/system:serviceaccount:kube-system:replicaset-controller";
    String name = "api-" + random.nextInt(8) + "." + Long.toHexString(random.nextLong() & 0xffffffffffffL);
    if (random.nextBoolean()) {
      add(base(at, "create", "/api/v1/namespaces/" + ns + "/events", user, "10.0.0.10", agent, "events",
          null, ns, null, null, 201));
    } else {
      add(base(at, "patch", "/api/v1/namespaces/" + ns + "/events/" + name, user, "10.0.0.10", agent,
          "events", null, ns, name, null, 200));
    }
  }

  private void hpa(Instant at, String ns, String name) {
    ObjectNode sa = serviceAccount("kube-system", "horizontal-pod-autoscaler");
    String agent = KCM + "/system:serviceaccount:kube-system:horizontal-pod-autoscaler";
    add(base(at, "list", "/apis/metrics.k8s.io/v1beta1/namespaces/" + ns + "/pods?labelSelector=app%3D" + name,
        sa, "10.0.0.10", agent, "pods", "metrics.k8s.io", ns, null, null, 200));
    add(base(at.plusMillis(5), "get", "/apis/apps/v1/namespaces/" + ns + "/deployments/" + name + "/scale",
        sa, "10.0.0.10", agent, "deployments", "apps", ns, name, "scale", 200));
    add(base(at.plusMillis(9), "update", "/apis/autoscaling/v2/namespaces/" + ns + "/horizontalpodautoscalers/" + name + "/status",
        sa, "10.0.0.10", agent, "horizontalpodautoscalers", "autoscaling", ns, name, "status", 200));
  }

  private void cronJobRun(Instant at, String ns, String cronJob, long second) {
    String job = cronJob + "-" + (28_500_000 + second / 60);
    String pod = job + "-" + suffix();
    ObjectNode cronSa = serviceAccount("kube-system", "cronjob-controller");
    String cronAgent = KCM + "/system:serviceaccount:kube-system:cronjob-controller";
    ObjectNode create = base(at, "create", "/apis/batch/v1/namespaces/" + ns + "/jobs", cronSa,
        "10.0.0.10", cronAgent, "jobs", "batch", ns, job, null, 201);
    ObjectNode jobObject = create.putObject("requestObject");
    jobObject.put("kind", "Job").put("apiVersion", "batch/v1");
    jobObject.putObject("metadata").put("name", job).put("namespace", ns);
    podSpec(jobObject.putObject("spec").putObject("template").putObject("spec"));
    add(create);
    add(base(at.plusMillis(20), "update", "/apis/batch/v1/namespaces/" + ns + "/cronjobs/" + cronJob + "/status",
        cronSa, "10.0.0.10", cronAgent, "cronjobs", "batch", ns, cronJob, "status", 200));
    ObjectNode createPod = base(at.plusMillis(60), "create", "/api/v1/namespaces/" + ns + "/pods",
        serviceAccount("kube-system", "job-controller"), "10.0.0.10",
        KCM + "/system:serviceaccount:kube-system:job-controller", "pods", null, ns, pod, null, 201);
    ObjectNode podObject = createPod.putObject("requestObject");
    podObject.put("kind", "Pod").put("apiVersion", "v1");
    podObject.putObject("metadata").put("name", pod).put("namespace", ns);
    podSpec(podObject.putObject("spec"));
    add(createPod);
    String bound = "worker-" + random.nextInt(nodes);
    ObjectNode bind = base(at.plusMillis(90), "create", "/api/v1/namespaces/" + ns + "/pods/" + pod + "/binding",
        user("system:kube-scheduler"), "10.0.0.10", "kube-scheduler/" + VERSION, "pods", null, ns, pod,
        "binding", 201);
    bind.putObject("requestObject").put("kind", "Binding").putObject("target").put("kind", "Node")
        .put("name", bound);
    add(bind);
    add(base(at.plusSeconds(45), "delete", "/apis/batch/v1/namespaces/" + ns + "/jobs/" + job,
        serviceAccount("kube-system", "ttl-after-finished-controller"), "10.0.0.10",
        KCM + "/system:serviceaccount:kube-system:ttl-after-finished-controller", "jobs", "batch", ns,
        job, null, 200));
  }

  private void serviceAccountWatch(Instant at, String ns, String account, String agent, String ip,
      String uri, String resource, String group, String namespace) {
    add(base(at, "watch", uri, serviceAccount(ns, account), ip, agent, resource, group, namespace, null,
        null, 200));
  }

  private static void podSpec(ObjectNode spec) {
    spec.put("restartPolicy", "OnFailure").put("serviceAccountName", "default");
    ObjectNode container = spec.putArray("containers").addObject();
    container.put("name", "report").put("image", "registry.example.com/batch/report:1.4.2");
    container.putObject("securityContext").put("runAsNonRoot", true)
        .put("allowPrivilegeEscalation", false);
  }

  // ---- the event envelope ----

  private ObjectNode base(Instant at, String verb, String uri, ObjectNode user, String ip, String agent,
      String resource, String group, String namespace, String name, String subresource, int code) {
    ObjectNode e = Json.mapper().createObjectNode();
    e.put("kind", "Event").put("apiVersion", "audit.k8s.io/v1").put("level", "Metadata")
        .put("auditID", new UUID(random.nextLong(), random.nextLong()).toString())
        .put("stage", "ResponseComplete").put("requestURI", uri).put("verb", verb);
    e.set("user", user);
    e.putArray("sourceIPs").add(ip);
    e.put("userAgent", agent);
    ObjectNode ref = e.putObject("objectRef");
    ref.put("resource", resource);
    if (namespace != null) {
      ref.put("namespace", namespace);
    }
    if (name != null) {
      ref.put("name", name);
    }
    ref.put("apiVersion", group == null ? "v1" : "v1");
    if (group != null) {
      ref.put("apiGroup", group);
    }
    if (subresource != null) {
      ref.put("subresource", subresource);
    }
    ObjectNode status = e.putObject("responseStatus");
    status.putObject("metadata");
    status.put("code", code);
    if (code >= 400) {
      status.put("status", "Failure").put("reason", "Forbidden");
    }
    e.put("requestReceivedTimestamp", at.minusMillis(2 + random.nextInt(20)).toString());
    e.put("stageTimestamp", at.toString());
    e.putObject("annotations").put("authorization.k8s.io/decision", code >= 400 ? "forbid" : "allow")
        .put("authorization.k8s.io/reason", code >= 400 ? "" : "RBAC: allowed by ClusterRoleBinding");
    return e;
  }

  private void add(ObjectNode e) {
    if (e.has("requestObject")) {
      e.put("level", "Request");
    }
    events.add(new Event(Instant.parse(e.path("stageTimestamp").asText()), e.toString()));
  }

  private static ObjectNode node(String node) {
    ObjectNode user = user("system:node:" + node);
    ArrayNode groups = (ArrayNode) user.get("groups");
    groups.insert(0, "system:nodes");
    return user;
  }

  private static ObjectNode user(String name) {
    ObjectNode user = Json.mapper().createObjectNode();
    user.put("username", name);
    user.putArray("groups").add("system:authenticated");
    return user;
  }

  private static ObjectNode serviceAccount(String ns, String name) {
    ObjectNode user = Json.mapper().createObjectNode();
    user.put("username", "system:serviceaccount:" + ns + ":" + name);
    user.put("uid", UUID.nameUUIDFromBytes((ns + "/" + name).getBytes()).toString());
    user.putArray("groups").add("system:serviceaccounts").add("system:serviceaccounts:" + ns)
        .add("system:authenticated");
    return user;
  }

  private String suffix() {
    String letters = "bcdfghjklmnpqrstvwxz2456789";
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      out.append(letters.charAt(random.nextInt(letters.length())));
    }
    return out.toString().toLowerCase(Locale.ROOT);
  }
}
