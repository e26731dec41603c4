package dev.vigil.ingest;

/** The body, or its gzip-decoded content, exceeds the body cap: HTTP 413, nothing was accepted. */
public final class PayloadTooLargeException extends IngestException {
  private static final long serialVersionUID = 1L;

  PayloadTooLargeException(long limit, boolean decoded) {
    super(
        (decoded ? "the decompressed body exceeds " : "the body exceeds ")
            + limit
            + " bytes; split the events into smaller batches",
        null);
  }

  @Override
  public String errorCode() {
    return "payload_too_large";
  }
}
