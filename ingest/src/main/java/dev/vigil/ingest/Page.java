package dev.vigil.ingest;

import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.function.Function;

/**
 * Paging of a list sorted by a unique key: {@code limit} (1..{@value #MAX_LIMIT}, default {@value
 * #DEFAULT_LIMIT}) and {@code cursor}, the key of the last item of the previous page ({@code
 * nextCursor} of its answer).
 */
record Page(int limit, String cursor) {
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;

  /** The paging of a request; throws {@link IllegalArgumentException} with a message for a bad value. */
  static Page of(RoutingContext ctx) {
    String limitText = ctx.request().getParam("limit");
    int limit = DEFAULT_LIMIT;
    if (limitText != null) {
      try {
        limit = Integer.parseInt(limitText.trim());
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > MAX_LIMIT) {
        throw new IllegalArgumentException("limit must be a number from 1 to " + MAX_LIMIT);
      }
    }
    String cursor = ctx.request().getParam("cursor");
    if (cursor != null && cursor.length() > 256) {
      throw new IllegalArgumentException("cursor is not one this server gave");
    }
    return new Page(limit, cursor == null || cursor.isEmpty() ? null : cursor);
  }

  /** The items after the cursor, at most {@code limit}; {@code sorted} is sorted by {@code key}. */
  <T> List<T> apply(List<T> sorted, Function<T, String> key) {
    return sorted.stream()
        .filter(t -> cursor == null || key.apply(t).compareTo(cursor) > 0)
        .limit(limit)
        .toList();
  }

  /** The cursor of the next page, or null when {@code page} was the last one. */
  <T> String next(List<T> page, Function<T, String> key) {
    return page.size() == limit ? key.apply(page.get(page.size() - 1)) : null;
  }
}
