package dev.vigil.schemas;

/**
 * The body of every HTTP error answer: {@code {"error":"<code>","message":"<what to do>"}}.
 *
 * @param error a short machine-readable code, e.g. {@code unauthorized}, {@code payload_too_large}
 * @param message what went wrong and what the client should do about it
 */
public record ApiError(String error, String message) {}
