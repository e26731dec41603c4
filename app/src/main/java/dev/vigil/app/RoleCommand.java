package dev.vigil.app;

import dev.vigil.app.settings.ServerOptions;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** A server command running a fixed set of roles with the shared {@link ServerOptions}. */
abstract class RoleCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin ServerOptions options;

  abstract Set<Role> roles();

  @Override
  public Integer call() throws Exception {
    return UpCommand.serve(spec, options.toConfig(spec, roles()));
  }
}
