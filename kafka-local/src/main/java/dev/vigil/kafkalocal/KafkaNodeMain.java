package dev.vigil.kafkalocal;

import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The main class of one broker process of {@link LocalKafkaCluster}: reads the node's configuration
 * from standard input (so the password is never in a file or on a command line), runs a KRaft node,
 * shuts it down gracefully on SIGTERM, and stops by itself when the process that started it is gone,
 * so that a crashed or killed parent never leaves brokers behind.
 */
final class KafkaNodeMain {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaNodeMain.class);
  private static final long PARENT_POLL_MS = 500;

  private KafkaNodeMain() {}

  public static void main(String[] args) throws Exception {
    Properties props = new Properties();
    props.load(System.in);
    ProcessHandle parent = ProcessHandle.current().parent()
        .orElseThrow(() -> new IllegalStateException("a Kafka node needs the process that started it"));
    KafkaRaftServer server;
    try {
      server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
      server.startup();
    } catch (Throwable e) {
      LOG.error("Kafka node {} failed to start", props.getProperty("node.id"), e);
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.shutdown();
      server.awaitShutdown();
      LOG.info("Kafka node {} stopped", props.getProperty("node.id"));
    }, "kafka-node-shutdown"));
    LOG.info("Kafka node {} started (process {}, parent {})",
        props.getProperty("node.id"), ProcessHandle.current().pid(), parent.pid());
    // An orphan is adopted by another process: a changed parent id is as final as a dead parent.
    while (parent.isAlive()
        && ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L) == parent.pid()) {
      Thread.sleep(PARENT_POLL_MS);
    }
    LOG.warn("The process that started Kafka node {} ({}) is gone: stopping",
        props.getProperty("node.id"), parent.pid());
    System.exit(0);
  }
}
