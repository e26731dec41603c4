package dev.vigil.alerts.incidents;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.vigil.alerts.AlertsRoutes;
import dev.vigil.alerts.LiveStreams;
import dev.vigil.edge.Answers;
import dev.vigil.edge.Authentication;
import dev.vigil.schemas.Caller;
import dev.vigil.schemas.CallerResolver;
import dev.vigil.schemas.Incident;
import dev.vigil.schemas.Json;
import dev.vigil.schemas.Topics;
import dev.vigil.schemas.kafka.CompactedTopicFollower;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/incidents/stream} (reader, admin): server-sent events of new and changed incidents
 * of the caller's workspace, {@code event: incident} with the incident as {@code data}, from the time
 * of the request on; the first event is {@code event: ready}. A reconnecting client reloads {@code GET
 * /v1/incidents} (incidents are few and the list is the state), so events carry no resumable id. The
 * stream shares the alert stream's slots per token and workspace ({@link LiveStreams}), sends {@code :
 * keepalive} every 15 s, ends within a second of its token being revoked, and is cut off when its
 * reader lets Vert.x's write queue fill up.
 */
public final class IncidentStream {
  private static final Logger LOG = LoggerFactory.getLogger(IncidentStream.class);
  public static final String PATH = "/v1/incidents/stream";
  static final long CHECK_MS = 1_000;
  static final long KEEPALIVE_MS = 15_000;

  private final CallerResolver callers;
  private final LiveStreams slots;
  private final Map<String, Object> consumerConfig;

  private IncidentStream(CallerResolver callers, LiveStreams slots, Map<String, Object> kafkaClientConfig) {
    this.callers = callers;
    this.slots = slots;
    Map<String, Object> config = new HashMap<>(kafkaClientConfig);
    // Incidents are written transactionally (exactly-once): never show an aborted one.
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    this.consumerConfig = Map.copyOf(config);
  }

  /** Adds the stream; call it before {@link IncidentRoutes#mount}, whose {@code /:id} would match it. */
  public static void mount(Router router, CallerResolver callers, LiveStreams slots,
      Map<String, Object> kafkaClientConfig) {
    IncidentStream stream = new IncidentStream(callers, slots, kafkaClientConfig);
    router.get(PATH)
        .handler(Authentication.of(callers, Authentication.Challenge.of(
            "send an API token as 'Authorization: Bearer <token>'")))
        .handler(stream::open);
    router.route(PATH).last().handler(ctx -> AlertsRoutes.methodNotAllowed(ctx, router, PATH));
  }

  private void open(RoutingContext ctx) {
    Caller caller = AlertsRoutes.authorize(ctx);
    if (caller == null) {
      return;
    }
    String refused = slots.tryOpen(caller);
    if (refused != null) {
      ctx.response().putHeader(HttpHeaders.RETRY_AFTER, "30");
      Answers.error(ctx, 429, "too_many_streams", refused);
      return;
    }
    HttpServerResponse response = ctx.response();
    Context context = ctx.vertx().getOrCreateContext();
    CompactedTopicFollower follower;
    try {
      follower = new CompactedTopicFollower(consumerConfig, "vigil-incident-stream",
          List.of(Topics.INCIDENTS.name()), CompactedTopicFollower.Start.end(), new CompactedTopicFollower.Listener() {
            @Override
            public void started(Map<org.apache.kafka.common.TopicPartition, Long> positions) {
              context.runOnContext(v -> write(response, "event: ready\ndata: {}\n\n"));
            }

            @Override
            public void record(ConsumerRecord<String, byte[]> record) {
              String event = encode(record, caller.workspace());
              if (event != null) {
                context.runOnContext(v -> write(response, event));
              }
            }

            @Override
            public boolean retry(KafkaException e) {
              return false;
            }

            @Override
            public void failed(RuntimeException e) {
              LOG.warn("incident stream failed: {}", e.toString());
              context.runOnContext(v -> end(response));
            }
          });
    } catch (RuntimeException e) {
      slots.release(caller);
      ctx.response().putHeader(HttpHeaders.RETRY_AFTER, "1");
      Answers.error(ctx, 503, "unavailable", "cannot open the incident stream: " + e.getMessage());
      return;
    }
    response.setStatusCode(200).setChunked(true)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .putHeader("X-Accel-Buffering", "no");
    write(response, "retry: 2000\n\n");
    String token = dev.vigil.schemas.CallerResolver.bearerToken(ctx.request().getHeader(HttpHeaders.AUTHORIZATION));
    long[] ticks = {0};
    long timer = ctx.vertx().setPeriodic(CHECK_MS, t -> {
      if (callers.resolve(token).isEmpty()) {
        end(response);
      } else if (++ticks[0] % (KEEPALIVE_MS / CHECK_MS) == 0) {
        write(response, ": keepalive\n\n");
      }
    });
    boolean[] done = {false};
    Runnable ender = () -> context.runOnContext(v -> end(response));
    slots.whileOpen(ender);
    Runnable close = () -> {
      if (!done[0]) {
        done[0] = true;
        ctx.vertx().cancelTimer(timer);
        follower.stop();
        slots.release(caller);
        slots.closed(ender);
      }
    };
    response.closeHandler(v -> close.run());
    response.endHandler(v -> close.run());
    follower.start();
  }

  /** The SSE event of an incident of {@code workspace}, or null for anything else. */
  private static String encode(ConsumerRecord<String, byte[]> record, String workspace) {
    if (record.value() == null) {
      return null;
    }
    try {
      Incident incident = Topics.INCIDENTS.valueSerde().deserializer().deserialize(record.topic(), record.value());
      if (incident == null || !workspace.equals(incident.workspace())) {
        return null;
      }
      return "event: incident\ndata: " + Json.mapper().writeValueAsString(incident) + "\n\n";
    } catch (JsonProcessingException | RuntimeException e) {
      LOG.warn("skipping unreadable incident at {}-{}@{}: {}", record.topic(), record.partition(),
          record.offset(), e.toString());
      return null;
    }
  }

  /** On the event loop: writes, or cuts off a reader whose write queue is full. */
  private static void write(HttpServerResponse response, String text) {
    if (response.ended() || response.closed()) {
      return;
    }
    if (response.writeQueueFull()) {
      LOG.info("disconnected an incident stream whose reader does not keep up");
      response.reset();
      return;
    }
    response.write(Buffer.buffer(text));
  }

  private static void end(HttpServerResponse response) {
    if (!response.ended() && !response.closed()) {
      response.end();
    }
  }
}
