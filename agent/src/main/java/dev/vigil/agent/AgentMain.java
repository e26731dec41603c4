package dev.vigil.agent;

/**
 * Runs the agent with the JDK alone: {@code java -jar vigil-agent.jar --server URL --token-file F
 * [--path audit.log]}. The flags are those of {@code vigil agent} ({@link AgentConfig#usage()}).
 */
public final class AgentMain {
  private AgentMain() {}

  public static void main(String[] args) {
    useOneLineLogs();
    System.exit(Agent.runFromCommandLine(args, System.out, System.err));
  }

  /**
   * One line per log record on standard error, unless the JVM was given its own format. Must run
   * before the first record is logged.
   */
  public static void useOneLineLogs() {
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty(
          "java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tL%1$tz %4$s %5$s%6$s%n");
    }
  }
}
