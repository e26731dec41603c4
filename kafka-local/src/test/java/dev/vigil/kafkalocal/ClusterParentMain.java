package dev.vigil.kafkalocal;

/**
 * A process that starts a temporary one-broker cluster, says where it is, and waits: the test kills
 * it to show that its broker does not outlive it.
 */
final class ClusterParentMain {
  private ClusterParentMain() {}

  public static void main(String[] args) throws InterruptedException {
    LocalKafkaCluster cluster = LocalKafkaCluster.startTemporary(1);
    System.out.println("READY " + cluster.process(1).orElseThrow().pid() + " " + cluster.dataDir());
    Thread.sleep(Long.MAX_VALUE);
  }
}
