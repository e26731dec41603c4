package dev.vigil.app;

import dev.vigil.agent.Agent;
import dev.vigil.agent.AgentConfig;
import dev.vigil.agent.AgentMain;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code vigil agent}: tails a kube-apiserver audit log and ships it. The flags belong to {@link
 * AgentConfig} (one definition, shared with the JDK-only {@link AgentMain}), so they are passed on
 * as they are.
 */
@Command(name = "agent",
    description = "Tail a kube-apiserver audit log and ship it to Vigil (--help lists the flags).")
final class AgentCommand implements Callable<Integer> {
  @Unmatched List<String> args = new ArrayList<>();

  @Override
  public Integer call() {
    AgentMain.useOneLineLogs();
    return Agent.runFromCommandLine(args.toArray(String[]::new), System.out, System.err);
  }
}
