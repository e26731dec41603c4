package dev.vigil.alerts.outputs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.schemas.Json;
import java.nio.charset.StandardCharsets;

/** The bodies outputs send: the alert JSON for webhooks, readable messages for Slack and Teams. */
public final class Formats {

  private Formats() {}

  /** A webhook body: the alert JSON as {@code GET /v1/alerts/{id}} answers it, or a digest object. */
  public static byte[] webhook(Message m) {
    try {
      if (m.kind() == Message.Kind.DIGEST) {
        ObjectNode digest = Json.mapper().createObjectNode();
        digest.put("digest", true);
        digest.put("windowSeconds", m.window().toSeconds());
        ArrayNode held = digest.putArray("held");
        m.digest().forEach(h -> held.addObject().put("alertType", h.alertType()).put("cluster", h.cluster())
            .put("count", h.count()));
        ArrayNode text = digest.putArray("text");
        m.lines().forEach(text::add);
        digest.put("link", m.link());
        return Json.mapper().writeValueAsBytes(digest);
      }
      return Json.mapper().writeValueAsBytes(m.alert());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a webhook body", e);
    }
  }

  /** A Slack incoming-webhook message: fallback text plus a section with the facts and a link. */
  public static byte[] slack(Message m) {
    ObjectNode body = Json.mapper().createObjectNode();
    body.put("text", m.title());
    ArrayNode blocks = body.putArray("blocks");
    blocks.addObject().put("type", "header").putObject("text").put("type", "plain_text").put("text", cut(m.title(), 150));
    StringBuilder text = new StringBuilder();
    for (String line : m.lines()) {
      text.append(escapeSlack(line)).append('\n');
    }
    text.append('<').append(m.link()).append('|').append(m.kind() == Message.Kind.DIGEST ? "Open Vigil" : "Open the alert in Vigil").append('>');
    blocks.addObject().put("type", "section").putObject("text").put("type", "mrkdwn").put("text", cut(text.toString(), 3000));
    return bytes(body);
  }

  /** A Microsoft Teams message with an Adaptive Card: title, facts, and a button to the alert. */
  public static byte[] teams(Message m) {
    ObjectNode body = Json.mapper().createObjectNode();
    body.put("type", "message");
    ObjectNode card = body.putArray("attachments").addObject()
        .put("contentType", "application/vnd.microsoft.card.adaptive").putObject("content");
    card.put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
    card.put("type", "AdaptiveCard");
    card.put("version", "1.4");
    ArrayNode items = card.putArray("body");
    items.addObject().put("type", "TextBlock").put("text", m.title()).put("weight", "Bolder").put("size", "Medium").put("wrap", true);
    for (String line : m.lines()) {
      items.addObject().put("type", "TextBlock").put("text", line).put("wrap", true);
    }
    card.putArray("actions").addObject().put("type", "Action.OpenUrl").put("title", "Open in Vigil").put("url", m.link());
    return bytes(body);
  }

  /** A plain-text mail body: the summary, the link, the idempotency key and the alert JSON. */
  public static String mailText(Message m) {
    StringBuilder text = new StringBuilder(m.title()).append("\n\n");
    m.lines().forEach(line -> text.append(line).append('\n'));
    text.append('\n').append(m.link()).append("\n\nIdempotency key: ").append(m.idempotencyKey()).append('\n');
    if (m.alert() != null) {
      text.append("\n").append(new String(webhook(m), StandardCharsets.UTF_8)).append('\n');
    }
    return text.toString();
  }

  private static String escapeSlack(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  private static String cut(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }

  private static byte[] bytes(ObjectNode node) {
    try {
      return Json.mapper().writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a message body", e);
    }
  }
}
