package dev.vigil.app;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vigil up}: gateway, detection, alerts and API in one process. */
@Command(name = "up", mixinStandardHelpOptions = true,
    description = "Run Vigil: HTTPS gateway, detection, alerts and API in one process. "
        + "Without --kafka-bootstrap it starts an embedded Kafka broker in the data dir.")
final class UpCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--data-dir", defaultValue = "${env:VIGIL_DATA_DIR:-data}",
      description = "data directory (env VIGIL_DATA_DIR, default ${DEFAULT-VALUE})")
  Path dataDir;

  @Option(names = "--port", defaultValue = "${env:VIGIL_PORT:-8443}",
      description = "HTTPS port (env VIGIL_PORT, default ${DEFAULT-VALUE})")
  int port;

  @Option(names = "--bind", defaultValue = "${env:VIGIL_BIND:-0.0.0.0}",
      description = "address to listen on (env VIGIL_BIND, default ${DEFAULT-VALUE})")
  String bind;

  @Option(names = "--kafka-bootstrap", defaultValue = "${env:VIGIL_KAFKA_BOOTSTRAP}",
      description = "an existing Kafka cluster, HOST:PORT[,...] (env VIGIL_KAFKA_BOOTSTRAP); default: embedded broker")
  String kafkaBootstrap;

  @Option(names = "--tls-cert", defaultValue = "${env:VIGIL_TLS_CERT}",
      description = "PEM certificate (env VIGIL_TLS_CERT); default: generated into DATA/tls")
  Path tlsCert;

  @Option(names = "--tls-key", defaultValue = "${env:VIGIL_TLS_KEY}",
      description = "PEM private key for --tls-cert (env VIGIL_TLS_KEY)")
  Path tlsKey;

  @Option(names = "--hostname", split = ",",
      description = "extra host names for the generated certificate")
  List<String> hostnames = new ArrayList<>();

  @Option(names = "--body-limit", defaultValue = "${env:VIGIL_BODY_LIMIT:-12582912}",
      description = "largest request body in bytes, also after gzip decoding (env VIGIL_BODY_LIMIT, default ${DEFAULT-VALUE})")
  long bodyLimit;

  @Option(names = "--stream-threads", defaultValue = "${env:VIGIL_STREAM_THREADS:-1}",
      description = "Kafka Streams threads per application (env VIGIL_STREAM_THREADS, default ${DEFAULT-VALUE})")
  int streamThreads;

  @Option(names = "--alert-window", defaultValue = "${env:VIGIL_ALERT_WINDOW:-PT1H}",
      description = "findings of one fingerprint within this ISO-8601 duration update one alert (env VIGIL_ALERT_WINDOW, default ${DEFAULT-VALUE})")
  Duration alertWindow;

  @Option(names = "--unhealthy-after", defaultValue = "${env:VIGIL_UNHEALTHY_AFTER:-PT15M}",
      description = "a cluster silent this long (ISO-8601 duration) is Unhealthy (env VIGIL_UNHEALTHY_AFTER, default ${DEFAULT-VALUE})")
  Duration unhealthyAfter;

  @Option(names = "--body-timeout", defaultValue = "${env:VIGIL_BODY_TIMEOUT:-PT30S}",
      description = "an ingest body must arrive within this ISO-8601 duration of its headers, else 408 (env VIGIL_BODY_TIMEOUT, default ${DEFAULT-VALUE})")
  Duration bodyTimeout;

  @Option(names = "--ingest-rate", defaultValue = "${env:VIGIL_INGEST_RATE:-100}",
      description = "ingest requests per second allowed to one token, else 429 (env VIGIL_INGEST_RATE, default ${DEFAULT-VALUE})")
  double ingestRate;

  @Option(names = "--ingest-burst", defaultValue = "${env:VIGIL_INGEST_BURST:-200}",
      description = "ingest requests one token may send at once above --ingest-rate (env VIGIL_INGEST_BURST, default ${DEFAULT-VALUE})")
  int ingestBurst;

  @Override
  public Integer call() throws Exception {
    VigilConfig config = new VigilConfig(dataDir, bind, port, kafkaBootstrap, tlsCert, tlsKey, hostnames,
        bodyLimit, streamThreads, alertWindow, unhealthyAfter, bodyTimeout, ingestRate, ingestBurst);
    VigilServer server = VigilServer.start(config);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      // log4j's own shutdown hook is disabled so that the shutdown is logged to the end.
      org.apache.logging.log4j.LogManager.shutdown();
      stopped.countDown();
    }, "vigil-shutdown"));
    var out = spec.commandLine().getOut();
    out.println("Vigil is ready at " + server.url());
    out.println("  admin token: " + server.dataDir().adminToken().toAbsolutePath());
    out.println("  CA certificate: " + server.caCertificate().toAbsolutePath());
    out.println("  next: ./vigil cluster add NAME, then ./vigil simulate --cluster NAME, then ./vigil alerts");
    out.flush();
    stopped.await();
    return 0;
  }
}
