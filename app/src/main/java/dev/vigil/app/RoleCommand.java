package dev.vigil.app;

import dev.vigil.app.settings.ServerOptions;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/**
 * A server command running a fixed set of roles with the options of every {@link
 * dev.vigil.app.settings.Settings setting}, which {@link ServerOptions} adds to it.
 */
@Command(modelTransformer = ServerOptions.class)
abstract class RoleCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  abstract Set<Role> roles();

  @Override
  public Integer call() throws Exception {
    return UpCommand.serve(spec, ServerOptions.toConfig(spec, roles()));
  }
}
