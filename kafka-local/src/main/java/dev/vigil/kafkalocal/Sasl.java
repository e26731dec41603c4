package dev.vigil.kafkalocal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The authentication of a local broker or cluster: SCRAM on the client (and inter-broker) listener,
 * PLAIN on the controller listener, one principal {@value #PRINCIPAL} that is the only super user.
 */
final class Sasl {
  /** The one principal of an authenticated broker: Vigil itself, super user. */
  static final String PRINCIPAL = "vigil";
  static final String SCRAM_MECHANISM = "SCRAM-SHA-256";
  private static final Pattern PASSWORD = Pattern.compile("password=\"([A-Za-z0-9_-]{16,})\"");

  private Sasl() {}

  /**
   * Listeners that authenticate, and an authorizer that lets nobody but {@value #PRINCIPAL} do
   * anything. The controller listener uses PLAIN with the password in the broker's own (in-memory)
   * configuration, because a controller cannot check SCRAM credentials that live in the metadata it
   * serves; the client and inter-broker listener uses SCRAM, so the password never crosses a socket.
   */
  static Map<String, String> brokerProperties(String host, int brokerPort, int controllerPort, String password) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("listeners", "CLIENT://" + host + ":" + brokerPort + ",CONTROLLER://" + host + ":" + controllerPort);
    p.put("advertised.listeners", "CLIENT://" + host + ":" + brokerPort);
    p.put("listener.security.protocol.map", "CLIENT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT");
    p.put("inter.broker.listener.name", "CLIENT");
    p.put("listener.name.client.sasl.enabled.mechanisms", SCRAM_MECHANISM);
    p.put("sasl.mechanism.inter.broker.protocol", SCRAM_MECHANISM);
    p.put("listener.name.client." + SCRAM_MECHANISM.toLowerCase(Locale.ROOT) + ".sasl.jaas.config",
        scramJaas(password));
    p.put("listener.name.controller.sasl.enabled.mechanisms", "PLAIN");
    p.put("sasl.mechanism.controller.protocol", "PLAIN");
    p.put("listener.name.controller.plain.sasl.jaas.config", plainJaas(password));
    p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
    p.put("allow.everyone.if.no.acl.found", "false");
    p.put("super.users", "User:" + PRINCIPAL);
    return p;
  }

  static String scramJaas(String password) {
    return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + PRINCIPAL
        + "\" password=\"" + password + "\";";
  }

  /** Client side ({@code username/password}) and server side ({@code user_NAME}) of PLAIN. */
  static String plainJaas(String password) {
    return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + PRINCIPAL
        + "\" password=\"" + password + "\" user_" + PRINCIPAL + "=\"" + password + "\";";
  }

  /** What a client adds to {@code bootstrap.servers} to authenticate as {@value #PRINCIPAL}. */
  static Map<String, String> clientSecurity(String password) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("security.protocol", "SASL_PLAINTEXT");
    p.put("sasl.mechanism", SCRAM_MECHANISM);
    p.put("sasl.jaas.config", scramJaas(password));
    return Collections.unmodifiableMap(p);
  }

  /** The text of {@code client.properties}: a Kafka client configuration holding the password. */
  static String clientPropertiesFile(String password) {
    StringBuilder file = new StringBuilder("# Vigil's credentials for its local Kafka broker(s) (keep mode 0600).\n"
        + "# A Kafka client configuration: kafka-console-consumer.sh --consumer.config THIS_FILE ...\n");
    clientSecurity(password).forEach((k, v) -> file.append(k).append('=').append(v).append('\n'));
    return file.toString();
  }

  static String newPassword() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static String readPassword(Path file) throws IOException {
    Properties p = new Properties();
    try (var in = Files.newInputStream(file)) {
      p.load(in);
    }
    Matcher m = PASSWORD.matcher(p.getProperty("sasl.jaas.config", ""));
    if (!m.find()) {
      throw new IllegalStateException(file + " holds no password of the local broker: restore it from a "
          + "backup (the broker's metadata knows only that password)");
    }
    return m.group(1);
  }
}
