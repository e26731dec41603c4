package dev.vigil.app.cli;

import dev.vigil.detection.backtest.Backtest;
import dev.vigil.detection.backtest.BacktestReport;
import dev.vigil.detection.backtest.FindingTally;
import dev.vigil.detection.backtest.RuleReport;
import dev.vigil.detection.catalogue.DetectorCatalogue;
import dev.vigil.detection.config.DetectionConfig;
import dev.vigil.detection.config.DetectionRules;
import dev.vigil.detection.sigma.RuleLoadException;
import dev.vigil.detection.sigma.SigmaCatalogue;
import dev.vigil.detection.sigma.SigmaConfig;
import dev.vigil.detection.stateful.StatefulConfig;
import dev.vigil.kafkalocal.EmbeddedKafka;
import dev.vigil.app.DataDir;
import dev.vigil.schemas.Finding;
import dev.vigil.schemas.Json;
import dev.vigil.schemas.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vigil rules}: trying rules before they alert. {@code vigil rules test} backtests candidate
 * Sigma rules and detection settings against the events already in {@code vigil.audit.raw.v1}; it
 * reads Kafka directly (the local broker of {@code --data-dir}, or {@code --kafka-bootstrap}),
 * evaluates in memory and writes nothing anywhere.
 */
@Command(name = "rules", mixinStandardHelpOptions = true,
    description = "Try Sigma rules and detection settings before they alert.",
    subcommands = {RulesCommand.Test.class})
public final class RulesCommand implements Runnable {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code vigil rules test}. */
  @Command(name = "test", mixinStandardHelpOptions = true,
      description = "Backtest: run candidate Sigma rules and detection settings over the raw events of a"
          + " past window, without publishing anything, and compare per rule with what the live rules raised.")
  static final class Test implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--rules-dir", description = "folder of candidate Sigma rules (besides the built-in detectors)")
    Path rulesDir;

    @Option(names = "--since", defaultValue = "24h",
        description = "window to evaluate, back from now: 30m, 24h, 7d or ISO-8601 (PT24H); default ${DEFAULT-VALUE}")
    String since;

    @Option(names = "--warmup", defaultValue = "0s",
        description = "events this long before the window only feed state (baselines learn, windows fill);"
            + " default none")
    String warmup;

    @Option(names = "--detection-config", description = "candidate detection configuration (YAML allow-lists and lists)")
    Path detectionConfig;

    @Option(names = "--baseline-learning", defaultValue = "P7D",
        description = "learning period of the baselines in the backtest; default ${DEFAULT-VALUE}")
    Duration baselineLearning;

    @Option(names = "--kafka-bootstrap", description = "Kafka to read (default: the local broker of --data-dir)")
    String kafkaBootstrap;

    @Option(names = "--kafka-property", description = "a Kafka client property k=v (security settings)")
    Map<String, String> kafkaProperties = new HashMap<>();

    @Option(names = "--data-dir", description = "data directory of a local vigil up (default: ./data)")
    Path dataDir;

    @Option(names = "--json", description = "print the report as JSON")
    boolean json;

    @Override
    public Integer call() {
      Instant now = Instant.now();
      Instant from = now.minus(duration(since, "--since"));
      Instant readFrom = from.minus(duration(warmup, "--warmup"));
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      DetectionConfig config;
      DetectorCatalogue catalogue;
      try {
        DetectionRules rules = detectionConfig == null ? DetectionRules.defaults()
            : DetectionRules.load(detectionConfig);
        config = DetectionConfig.defaults(registry).withRules(rules).withStateful(
            StatefulConfig.defaults().withBaselineLearning(baselineLearning));
        try (SigmaCatalogue sigma = SigmaCatalogue.load(DetectorCatalogue.builtIn(config).all(),
            SigmaConfig.defaults().withRulesDir(rulesDir), registry)) {
          catalogue = sigma.get();
        }
      } catch (RuleLoadException | IllegalArgumentException e) {
        throw new CliException(e.getMessage());
      }
      Map<String, Object> kafka = kafkaConfig();
      FindingTally live = new FindingTally();
      BacktestReport report;
      try (Backtest backtest = Backtest.start(config, catalogue, from)) {
        read(kafka, Topics.AUDIT_RAW.name(), readFrom, new ByteArrayDeserializer(),
            r -> backtest.accept(r.key(), r.value(), r.headers(), r.timestamp()));
        read(kafka, Topics.FINDINGS.name(), from, new ByteArrayDeserializer(), r -> {
          Finding finding = finding(r.value());
          if (finding != null && finding.receivedMs() >= from.toEpochMilli()) {
            live.add(finding);
          }
        });
        report = backtest.finish(live);
      }
      print(report, from, now);
      return 0;
    }

    private Map<String, Object> kafkaConfig() {
      Map<String, Object> config = new HashMap<>();
      if (kafkaBootstrap == null) {
        Path kafkaDir = new DataDir(dataDir == null ? DataDir.DEFAULT : dataDir).kafkaDir();
        try {
          config.putAll(EmbeddedKafka.clientConfigOf(kafkaDir));
        } catch (IOException e) {
          throw new CliException("no --kafka-bootstrap given and " + e.getMessage()
              + ": pass --kafka-bootstrap HOST:PORT, or --data-dir of a local vigil up");
        }
      } else {
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrap);
      }
      config.putAll(kafkaProperties);
      config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
      config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000);
      config.put(ConsumerConfig.CLIENT_ID_CONFIG, "vigil-rules-test");
      config.remove(ConsumerConfig.GROUP_ID_CONFIG);
      return config;
    }

    /** Reads {@code topic} from {@code from} to the end it had when reading started; no group, no commit. */
    private static <V> void read(Map<String, Object> config, String topic, Instant from,
        org.apache.kafka.common.serialization.Deserializer<V> values,
        Consumer<ConsumerRecord<String, V>> each) {
      try (KafkaConsumer<String, V> consumer =
          new KafkaConsumer<>(config, new StringDeserializer(), values)) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
          partitions.add(new TopicPartition(topic, info.partition()));
        }
        consumer.assign(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
        Map<TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(p -> query.put(p, from.toEpochMilli()));
        Map<TopicPartition, OffsetAndTimestamp> start = consumer.offsetsForTimes(query, Duration.ofSeconds(30));
        Map<TopicPartition, Long> remaining = new HashMap<>();
        for (TopicPartition p : partitions) {
          OffsetAndTimestamp at = start.get(p);
          long offset = at == null ? end.get(p) : at.offset();
          consumer.seek(p, offset);
          if (offset < end.get(p)) {
            remaining.put(p, end.get(p));
          }
        }
        consumer.pause(partitions.stream().filter(p -> !remaining.containsKey(p)).toList());
        while (!remaining.isEmpty()) {
          for (ConsumerRecord<String, V> record : consumer.poll(Duration.ofMillis(500))) {
            TopicPartition p = new TopicPartition(record.topic(), record.partition());
            Long stop = remaining.get(p);
            if (stop == null || record.offset() >= stop) {
              continue;
            }
            each.accept(record);
          }
          for (TopicPartition p : List.copyOf(remaining.keySet())) {
            if (consumer.position(p) >= remaining.get(p)) {
              remaining.remove(p);
              consumer.pause(List.of(p));
            }
          }
        }
      }
    }

    private static Finding finding(byte[] value) {
      try {
        return Topics.FINDINGS.valueSerde().deserializer().deserialize(Topics.FINDINGS.name(), value);
      } catch (RuntimeException e) {
        return null;
      }
    }

    private void print(BacktestReport report, Instant from, Instant to) {
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("from", from.toString());
        doc.put("to", to.toString());
        doc.put("records", report.records());
        doc.put("rules", report.rules());
        try {
          out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(doc));
        } catch (IOException e) {
          throw new CliException("cannot write the report: " + e.getMessage());
        }
      } else {
        out.printf("backtest of %s .. %s over %d raw events (nothing published)%n", from, to, report.records());
        out.printf("%-48s %-7s %10s %8s %10s %8s %8s%n", "ALERT TYPE", "MODE", "FINDINGS", "ALERTS",
            "LIVE-FIND", "LIVE-AL", "DIFF");
        for (RuleReport rule : report.rules()) {
          if (rule.backtest().findings() == 0 && rule.live().findings() == 0) {
            continue;
          }
          out.printf("%-48s %-7s %10d %8d %10d %8d %+8d%n", rule.alertType(),
              !rule.candidate() ? "removed" : rule.shadow() ? "shadow" : "live",
              rule.backtest().findings(), rule.backtest().alerts(), rule.live().findings(),
              rule.live().alerts(), rule.difference());
        }
      }
      out.flush();
    }
  }

  /** {@code 30m}, {@code 24h}, {@code 7d}, {@code 90s} or an ISO-8601 duration. */
  static Duration duration(String text, String option) {
    String value = text.trim().toLowerCase(Locale.ROOT);
    try {
      if (value.startsWith("p")) {
        return Duration.parse(value.toUpperCase(Locale.ROOT));
      }
      long amount = Long.parseLong(value.substring(0, value.length() - 1));
      return switch (value.charAt(value.length() - 1)) {
        case 's' -> Duration.ofSeconds(amount);
        case 'm' -> Duration.ofMinutes(amount);
        case 'h' -> Duration.ofHours(amount);
        case 'd' -> Duration.ofDays(amount);
        default -> throw new NumberFormatException(value);
      };
    } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException e) {
      throw new CliException(option + " " + text + " is not a duration such as 30m, 24h, 7d or PT24H");
    }
  }
}
