package dev.vigil.benchmarks;

import dev.vigil.schemas.Alert;
import dev.vigil.schemas.AlertHistoryEntry;
import dev.vigil.schemas.AlertStatus;
import dev.vigil.schemas.Entity;
import dev.vigil.schemas.Finding;
import dev.vigil.schemas.JsonSerde;
import dev.vigil.schemas.Severity;
import dev.vigil.schemas.Topics;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.serialization.Serde;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What the alerts side pays per finding in serdes: read a {@link Finding} from the findings topic,
 * read the fingerprint's {@link Alert} from the store and write it back. {@code codec=databind} is
 * reflective Jackson ({@link JsonSerde}, the format's writer before the storm profile); {@code
 * codec=streaming} is the serdes the topics use now ({@code dev.vigil.schemas.codec}), which write
 * the same bytes. Scores are findings per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class AlertCodecBenchmark {

  @Param({"databind", "streaming"})
  public String codec;

  private Serde<Finding> findings;
  private Serde<Alert> alerts;
  private byte[] findingBytes;
  private byte[] alertBytes;

  @Setup
  public void setUp() {
    boolean streaming = codec.equals("streaming");
    findings = streaming ? Topics.FINDINGS.valueSerde() : new JsonSerde<>(Finding.class);
    alerts = streaming ? Topics.ALERTS.valueSerde() : new JsonSerde<>(Alert.class);
    findingBytes = findings.serializer().serialize("t", finding());
    alertBytes = alerts.serializer().serialize("t", alert());
  }

  @Benchmark
  public byte[] perFinding() {
    Finding finding = findings.deserializer().deserialize("t", findingBytes);
    Alert alert = alerts.deserializer().deserialize("t", alertBytes);
    return finding.count() >= 0 ? alerts.serializer().serialize("t", alert) : null;
  }

  /** A storm finding as the catalogue writes one: a pod exec by a user, one audit id. */
  static Finding finding() {
    Instant t = Instant.parse("2026-12-05T13:42:07.123456Z");
    return new Finding(
        "3f9a1c0d5e7b2a4c6d8e0f1a3b5c7d9e",
        "K8S_ExecIntoPod",
        "Exec into a pod",
        "A user ran a command inside a running container of pod default/nginx-7d9c",
        Severity.Medium,
        List.of("Execution"),
        List.of("T1609"),
        List.of("Review the command run", "Restrict pods/exec to break-glass roles"),
        "default",
        "prod-eu-1",
        "default/nginx-7d9c",
        List.of(Entity.of("user", "minikube-user-17"), Entity.of("pod", "default/nginx-7d9c"),
            Entity.of("namespace", "default")),
        t,
        t,
        1,
        List.of("5b1c0d2e-9f8a-4b7c-a6d5-e4f3a2b1c0d9"),
        1_764_942_127_123L,
        Map.of("command", "sh -c id", "container", "nginx", "userAgent", "kubectl/v1.31.0"));
  }

  /** The alert of that fingerprint after some findings and one triage change. */
  static Alert alert() {
    Finding f = finding();
    List<String> ids = new java.util.ArrayList<>();
    for (int i = 0; i < Alert.MAX_AUDIT_IDS; i++) {
      ids.add(String.format("5b1c0d2e-9f8a-4b7c-a6d5-e4f3a2b1c%03d", i));
    }
    return new Alert("a41f0e9c2b7d4e1f8a6c3b5d7e9f1a2c", f.alertType(), f.displayName(),
        f.description(), f.severity(), f.tactics(), f.techniques(), AlertStatus.Active,
        f.workspace(), f.cluster(), f.compromisedEntity(), f.entities(), f.remediationSteps(),
        f.startTime(), f.endTime().plusSeconds(40), f.endTime().plusMillis(900), 4_211, ids,
        f.extendedProperties(),
        List.of(new AlertHistoryEntry(AlertStatus.InProgress, "looking", "admin:tok-1",
            f.endTime().plusSeconds(60))));
  }
}
