package dev.vigil.app;

import dev.vigil.app.settings.VigilConfig;
import java.io.PrintWriter;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;

/** {@code vigil up}: gateway, detection, alerts and API in one process. */
@Command(name = "up", mixinStandardHelpOptions = true,
    description = "Run Vigil: HTTPS gateway, detection, alerts and API in one process. "
        + "Without --kafka-bootstrap it starts an embedded Kafka broker in the data dir.")
final class UpCommand extends RoleCommand {
  @Override
  Set<Role> roles() {
    return Role.all();
  }

  /**
   * Runs a server until the JVM is asked to stop (SIGTERM, Ctrl-C): then it stops accepting requests,
   * finishes those in flight, commits the Streams applications and closes Kafka clients.
   */
  static int serve(picocli.CommandLine.Model.CommandSpec spec, VigilConfig config) throws InterruptedException {
    JvmOptions.checkHeap(config.memory(), Runtime.getRuntime().maxMemory())
        .ifPresent(warning -> org.slf4j.LoggerFactory.getLogger(UpCommand.class).warn(warning));
    VigilServer server = VigilServer.start(config);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      // log4j's own shutdown hook is disabled so that the shutdown is logged to the end.
      org.apache.logging.log4j.LogManager.shutdown();
      stopped.countDown();
    }, "vigil-shutdown"));
    PrintWriter out = spec.commandLine().getOut();
    out.println("Vigil is ready at " + server.url() + " (" + describe(config.roles()) + ")");
    if (config.runs(Role.GATEWAY)) {
      out.println("  admin token: " + server.dataDir().adminToken().toAbsolutePath());
    }
    out.println("  CA certificate: " + server.caCertificate().toAbsolutePath());
    if (config.roles().equals(Role.all())) {
      out.println("  next: ./vigil cluster add NAME, then ./vigil simulate --cluster NAME, then ./vigil alerts");
    }
    out.flush();
    stopped.await();
    return 0;
  }

  private static String describe(Set<Role> roles) {
    if (roles.equals(Role.all())) {
      return "all roles";
    }
    StringBuilder text = new StringBuilder("roles:");
    for (Role role : EnumSet.copyOf(roles)) {
      text.append(' ').append(role.command);
    }
    return text.toString();
  }

  /** {@code vigil gateway}: HTTPS ingest, clusters and tokens, against an existing Kafka. */
  @Command(name = "gateway", mixinStandardHelpOptions = true,
      description = "Run the HTTPS ingest gateway with cluster and token management against --kafka-bootstrap. "
          + "Run several behind a load balancer.")
  static final class Gateway extends RoleCommand {
    @Override
    Set<Role> roles() {
      return EnumSet.of(Role.GATEWAY);
    }
  }

  /** {@code vigil detect}: the detection Streams application, against an existing Kafka. */
  @Command(name = "detect", mixinStandardHelpOptions = true,
      description = "Run the detection Kafka Streams application against --kafka-bootstrap. Instances split "
          + "the raw topic's partitions; when one stops, the others take over. Serves /healthz, /readyz, /metrics.")
  static final class Detect extends RoleCommand {
    @Override
    Set<Role> roles() {
      return EnumSet.of(Role.DETECT);
    }
  }

  /** {@code vigil alerts-api}: the alerts Streams application, the alerts API and the dashboard. */
  @Command(name = "alerts-api", mixinStandardHelpOptions = true,
      description = "Run the alerts Kafka Streams application, the alerts API, live stream and dashboard "
          + "against --kafka-bootstrap. Every instance answers every query.")
  static final class AlertsApi extends RoleCommand {
    @Override
    Set<Role> roles() {
      return EnumSet.of(Role.ALERTS_API);
    }
  }
}
