package dev.vigil.app;

import java.util.EnumSet;
import java.util.Set;

/** The roles one Vigil process can run; {@code vigil up} runs them all. */
public enum Role {
  /** HTTPS ingest, cluster registration, API tokens, the test-alert simulation. */
  GATEWAY("gateway"),
  /** The detection Streams application. */
  DETECT("detect"),
  /** The alerts Streams application, the alert store, the alerts API, live stream and dashboard. */
  ALERTS_API("alerts-api");

  public final String command;

  Role(String command) {
    this.command = command;
  }

  public static Set<Role> all() {
    return EnumSet.allOf(Role.class);
  }
}
