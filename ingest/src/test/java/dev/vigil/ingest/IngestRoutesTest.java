package dev.vigil.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IngestRoutesTest {

  @Test
  void mediaTypeIgnoresParametersAndCase() {
    assertThat(IngestRoutes.mediaType("Application/JSON; charset=utf-8")).isEqualTo("application/json");
    assertThat(IngestRoutes.mediaType(" application/x-ndjson ")).isEqualTo("application/x-ndjson");
    assertThat(IngestRoutes.mediaType(null)).isEmpty();
    assertThat(IngestRoutes.JSON_TYPES).contains(IngestRoutes.mediaType("application/jsonl;q=1"));
    assertThat(IngestRoutes.JSON_TYPES).doesNotContain(IngestRoutes.mediaType("text/plain"));
  }

  @Test
  void contentEncodingIsGzipIdentityOrRefused() {
    assertThat(IngestRoutes.gzip(null)).isFalse();
    assertThat(IngestRoutes.gzip("identity")).isFalse();
    assertThat(IngestRoutes.gzip("GZIP")).isTrue();
    assertThat(IngestRoutes.gzip("br")).isNull();
  }
}
