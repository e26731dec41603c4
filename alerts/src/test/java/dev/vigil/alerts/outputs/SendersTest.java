package dev.vigil.alerts.outputs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.vigil.alerts.outputs.receivers.HttpReceiver;
import dev.vigil.alerts.outputs.receivers.SyslogReceiver;
import dev.vigil.edge.TlsMaterial;
import dev.vigil.schemas.Alert;
import dev.vigil.schemas.Json;
import dev.vigil.schemas.OutputDefinition;
import dev.vigil.schemas.Severity;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each sender against a real receiver started by the test. */
class SendersTest {
  static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  static final Alert ALERT = OutputUnitsTest.alert("K8S_ExecIntoPod", "prod", Severity.High);
  static final Message MESSAGE = new Message(Message.Kind.NEW, ALERT, null, null, Message.keyOf(ALERT.id(), 7),
      "https://vigil.example/#alert=" + ALERT.id());

  @TempDir Path tlsDir;

  static OutputDefinition output(String kind, String url, String secret, String ca, String username, String from,
      List<String> to) {
    return new OutputDefinition("out_t", "ws", null, kind, url, secret, null, null, null, null, false, username, from,
        to, 20, 300, ca, "admin:t", NOW);
  }

  @Test
  void aWebhookOverHttpsCarriesTheAlertJsonSignedWithTheSecret() throws Exception {
    TlsMaterial tls = TlsMaterial.loadOrCreate(tlsDir, List.of());
    try (HttpReceiver receiver = new HttpReceiver(tls).start();
        Sender sender = Outputs.senderFor(output("webhook", receiver.url("/hook"), "s3cret", tls.caPem(), null, null,
            null))) {
      sender.send(MESSAGE);

      HttpReceiver.Request request = receiver.accepted().get(0);
      assertThat(request.header(Signature.HEADER)).isEqualTo(Signature.of("s3cret", request.body()));
      assertThat(request.header("X-Vigil-Idempotency-Key")).isEqualTo(ALERT.id() + ":v7");
      Alert received = Json.mapper().readValue(request.body(), Alert.class);
      assertThat(received).isEqualTo(ALERT);
      assertThat(Json.mapper().readTree(request.body()).get("alertType").asText()).isEqualTo("K8S_ExecIntoPod");
    }
  }

  @Test
  void aWebhookThatDoesNotTrustTheReceiverOrIsRefusedFails() throws Exception {
    TlsMaterial tls = TlsMaterial.loadOrCreate(tlsDir, List.of());
    try (HttpReceiver receiver = new HttpReceiver(tls).start()) {
      Sender untrusting = Outputs.senderFor(output("webhook", receiver.url("/hook"), "s", null, null, null, null));
      assertThatThrownBy(() -> untrusting.send(MESSAGE)).isInstanceOf(DeliveryException.class);
      Sender trusting = Outputs.senderFor(output("webhook", receiver.url("/hook"), "s", tls.caPem(), null, null, null));
      receiver.refuse(true);
      assertThatThrownBy(() -> trusting.send(MESSAGE)).isInstanceOf(DeliveryException.class).hasMessageContaining("503");
      assertThat(receiver.accepted()).isEmpty();
    }
  }

  @Test
  void aSlackEndpointGetsAReadableMessage() throws Exception {
    try (HttpReceiver slack = new HttpReceiver(null).start();
        Sender sender = Outputs.senderFor(output("slack", slack.url("/services/T/B/X"), null, null, null, null,
            null))) {
      sender.send(MESSAGE);

      var body = Json.mapper().readTree(slack.accepted().get(0).body());
      assertThat(body.get("text").asText()).isEqualTo("[High] K8S_ExecIntoPod on cluster prod");
      assertThat(body.get("blocks").toString()).contains("Severity: High").contains("Cluster: prod")
          .contains(MESSAGE.link());
    }
  }

  @Test
  void anEmailReachesTheInboxWithTheIdempotencyKeyAsMessageId() throws Exception {
    GreenMail mail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
    mail.start();
    try {
      mail.setUser("soc@example.org", "vigil", "mail-pass");
      String url = "smtp://127.0.0.1:" + mail.getSmtp().getPort();
      try (Sender sender = Outputs.senderFor(output("email", url, "mail-pass", null, "vigil", "vigil@example.org",
          List.of("soc@example.org")))) {
        sender.send(MESSAGE);
      }
      assertThat(mail.waitForIncomingEmail(5_000, 1)).isTrue();
      MimeMessage received = mail.getReceivedMessages()[0];
      assertThat(received.getSubject()).isEqualTo("[High] K8S_ExecIntoPod on cluster prod");
      assertThat(received.getHeader("X-Vigil-Idempotency-Key")[0]).isEqualTo(ALERT.id() + ":v7");
      assertThat(received.getMessageID()).contains(ALERT.id());
      assertThat((String) received.getContent()).contains(MESSAGE.link()).contains("\"alertType\":\"K8S_ExecIntoPod\"");
    } finally {
      mail.stop();
    }
  }

  @Test
  void syslogWritesOctetCountedRfc5424Records() throws Exception {
    try (SyslogReceiver syslog = new SyslogReceiver();
        Sender sender = Outputs.senderFor(output("syslog", syslog.url(), null, null, null, null, null))) {
      sender.send(MESSAGE);
      sender.send(MESSAGE);

      await().atMost(Duration.ofSeconds(5)).until(() -> syslog.messages().size() == 2);
      String record = syslog.messages().get(0);
      assertThat(record).startsWith("<34>1 ").contains(" vigil - K8S_ExecIntoPod [vigil@32473 kind=\"new\" alertId=\""
          + ALERT.id() + "\" idempotencyKey=\"" + ALERT.id() + ":v7\"] \uFEFF{");
      assertThat(record).endsWith("}").contains("\"cluster\":\"prod\"");
    }
  }

  @Test
  void aDigestNamesWhatWasHeldBack() throws Exception {
    Message digest = new Message(Message.Kind.DIGEST, null, List.of(new Throttle.Held("K8S_ExecIntoPod", "prod", 37)),
        Duration.ofMinutes(5), "digest:out_t:1", "https://vigil.example/");
    var body = Json.mapper().readTree(Formats.webhook(digest));
    assertThat(body.get("text").get(0).asText()).isEqualTo("37 more K8S_ExecIntoPod alerts from cluster prod in the last 5 min");
    assertThat(body.get("held").get(0).get("count").asLong()).isEqualTo(37);
    assertThat(Map.of("k", new String(Formats.slack(digest), java.nio.charset.StandardCharsets.UTF_8)).get("k"))
        .contains("37 more K8S_ExecIntoPod alerts");
  }
}
