package dev.vigil.alerts.outputs;

import dev.vigil.schemas.OutputDefinition;
import jakarta.mail.Authenticator;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.Properties;

/**
 * Email over SMTP with Angus Mail: {@code smtp://} upgrades with STARTTLS (required unless the server
 * is a loopback address), {@code smtps://} is TLS from the start; AUTH when a username is set (the
 * output's secret is the password). Accepted once the server accepted the message. The idempotency
 * key is the {@code Message-ID} (mail systems drop repeats by it) and a header of its own.
 */
final class EmailSender implements Sender {
  private final OutputDefinition output;
  private final OutputSpec.Endpoint endpoint;
  private final Session session;

  EmailSender(OutputDefinition output) {
    this.output = output;
    this.endpoint = OutputSpec.Endpoint.of(output.kind(), output.url());
    String protocol = endpoint.tls() ? "smtps" : "smtp";
    String p = "mail." + protocol + ".";
    Properties props = new Properties();
    props.put("mail.transport.protocol", protocol);
    props.put(p + "host", endpoint.host());
    props.put(p + "port", String.valueOf(endpoint.port()));
    props.put(p + "connectiontimeout", "10000");
    props.put(p + "timeout", "15000");
    props.put(p + "writetimeout", "15000");
    props.put(p + "auth", String.valueOf(output.username() != null));
    props.put(p + "ssl.checkserveridentity", "true");
    if (!endpoint.tls()) {
      props.put(p + "starttls.enable", "true");
      props.put(p + "starttls.required", String.valueOf(!endpoint.loopback()));
    }
    if (output.caCertificate() != null) {
      props.put(p + "ssl.socketFactory", OutputSpec.sslContext(output.caCertificate()).getSocketFactory());
    }
    Authenticator auth = output.username() == null ? null : new Authenticator() {
      @Override
      protected PasswordAuthentication getPasswordAuthentication() {
        return new PasswordAuthentication(output.username(), output.secret() == null ? "" : output.secret());
      }
    };
    this.session = Session.getInstance(props, auth);
  }

  @Override
  public void send(Message m) throws DeliveryException {
    try {
      MimeMessage mail = new MimeMessage(session) {
        @Override
        protected void updateMessageID() throws MessagingException {
          setHeader("Message-ID", "<" + m.idempotencyKey().replaceAll("[^A-Za-z0-9._:-]", "_") + "@vigil>");
        }
      };
      mail.setFrom(new InternetAddress(output.from()));
      for (String to : output.to()) {
        mail.addRecipient(jakarta.mail.Message.RecipientType.TO, new InternetAddress(to));
      }
      mail.setSubject(m.title(), StandardCharsets.UTF_8.name());
      mail.setSentDate(new Date());
      mail.setHeader(HttpSender.IDEMPOTENCY_HEADER, m.idempotencyKey());
      mail.setText(Formats.mailText(m), StandardCharsets.UTF_8.name());
      Transport.send(mail);
    } catch (MessagingException e) {
      throw new DeliveryException(endpoint.display() + " did not accept the mail: " + e.getMessage(), e);
    }
  }
}
