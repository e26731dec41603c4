package dev.vigil.detection.stateful;

/**
 * One baseline subject: when its learning started and when it was last seen, in event time (epoch
 * millis).
 */
record SubjectState(long learningStartMs, long lastSeenMs) {}
