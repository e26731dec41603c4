package dev.vigil.edge;

import dev.vigil.schemas.Caller;
import dev.vigil.schemas.CallerResolver;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.Objects;
import java.util.Optional;

/**
 * The one authentication handler of the HTTP API. Placed in front of a route's own handlers, it
 * resolves the {@code Authorization: Bearer} token to its {@link Caller}, keeps the caller in the
 * routing context for them ({@link #caller}) and passes the request on; without a token, or with one
 * the resolver does not know (unknown, revoked, expired), it answers {@code 401 unauthorized} with a
 * {@code WWW-Authenticate} challenge and the route never runs. What a caller may do is the route's
 * question (403), not this handler's.
 *
 * <p>Each route says in its {@link Challenge} which token it wants, so the 401 tells the client what
 * to send.
 */
public final class Authentication implements Handler<RoutingContext> {
  /** The challenge of every 401: a bearer token of the realm {@code vigil}. */
  public static final String REALM = "Bearer realm=\"vigil\"";

  private static final String CALLER = Caller.class.getName();

  private final CallerResolver callers;
  private final Challenge challenge;

  private Authentication(CallerResolver callers, Challenge challenge) {
    this.callers = Objects.requireNonNull(callers, "callers");
    this.challenge = Objects.requireNonNull(challenge, "challenge");
  }

  /** A handler resolving tokens with {@code callers} and answering 401 with {@code challenge}. */
  public static Authentication of(CallerResolver callers, Challenge challenge) {
    return new Authentication(callers, challenge);
  }

  /**
   * The caller this handler authenticated for the request.
   *
   * @throws IllegalStateException when no {@link Authentication} ran before the calling handler
   */
  public static Caller caller(RoutingContext ctx) {
    Caller caller = ctx.get(CALLER);
    if (caller == null) {
      throw new IllegalStateException("no Authentication handler precedes " + ctx.currentRoute());
    }
    return caller;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String token = CallerResolver.bearerToken(ctx.request().getHeader(HttpHeaders.AUTHORIZATION));
    Optional<Caller> caller = token == null ? Optional.empty() : callers.resolve(token);
    if (caller.isEmpty()) {
      ctx.response()
          .putHeader("WWW-Authenticate", token == null ? challenge.header() : challenge.unknownHeader());
      Answers.error(ctx, 401, "unauthorized", token == null ? challenge.missing() : challenge.unknown());
      return;
    }
    ctx.put(CALLER, caller.get());
    ctx.next();
  }

  /**
   * What a route tells a client whose request is refused 401.
   *
   * @param missing the message when the request has no bearer token
   * @param unknown the message when its token is unknown, revoked or expired
   * @param header the {@code WWW-Authenticate} value without a token
   * @param unknownHeader the {@code WWW-Authenticate} value with an unknown token
   */
  public record Challenge(String missing, String unknown, String header, String unknownHeader) {
    /** One message for both cases, with the {@link #REALM} challenge. */
    public static Challenge of(String message) {
      return new Challenge(message, message, REALM, REALM);
    }

    /** This challenge with its own message for an unknown token. */
    public Challenge unknownToken(String message) {
      return new Challenge(missing, message, header, unknownHeader);
    }

    /** This challenge telling an unknown token apart in the header too (RFC 6750 {@code invalid_token}). */
    public Challenge invalidTokenError() {
      return new Challenge(missing, unknown, header, header + ", error=\"invalid_token\"");
    }

    /** This challenge with {@code header} as the {@code WWW-Authenticate} value in both cases. */
    public Challenge withHeader(String header) {
      return new Challenge(missing, unknown, header, header);
    }
  }
}
