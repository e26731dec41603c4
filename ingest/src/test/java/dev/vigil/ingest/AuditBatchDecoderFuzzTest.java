package dev.vigil.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.ingest.AuditBatchDecoder.DecodedBatch;
import dev.vigil.ingest.AuditBatchDecoder.Item;
import dev.vigil.schemas.Json;
import dev.vigil.schemas.testing.HostileJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Property-based fuzzing of what the decoder adds to the shared reader (whose own property test is
 * schemas' {@code AuditReaderFuzzTest}): the body cap, gzip and the JSON-lines fallback. Whatever the
 * body, only the typed refusals ({@link MalformedBodyException}, {@link PayloadTooLargeException})
 * escape, and a decoded batch is always coherent (indices in order, every valid item a JSON object).
 */
class AuditBatchDecoderFuzzTest {
  private static final int CAP = 256 * 1024;
  private static final List<byte[]> SEEDS = HostileJson.seeds();

  private final AuditBatchDecoder decoder = new AuditBatchDecoder(CAP);

  @Property(tries = 400)
  void arbitraryBytesOnlyEverRaiseTypedRefusals(@ForAll("anyBytes") byte[] body) {
    decodeExpectingOnlyTypedRefusals(body, false);
    decodeExpectingOnlyTypedRefusals(body, true);
  }

  @Property(tries = 1500)
  void mutatedRealEventsOnlyEverRaiseTypedRefusals(@ForAll("mutatedSeeds") byte[] body) {
    decodeExpectingOnlyTypedRefusals(body, false);
  }

  @Property(tries = 200)
  void gzipOfMutatedEventsOnlyEverRaisesTypedRefusals(@ForAll("mutatedSeeds") byte[] body)
      throws IOException {
    decodeExpectingOnlyTypedRefusals(gzip(body), true);
  }

  private void decodeExpectingOnlyTypedRefusals(byte[] body, boolean gzip) {
    DecodedBatch batch;
    try {
      batch = decoder.decode(body, gzip);
    } catch (MalformedBodyException | PayloadTooLargeException e) {
      assertThat(e.getMessage()).isNotBlank();
      return;
    }
    for (int i = 0; i < batch.items().size(); i++) {
      Item item = batch.items().get(i);
      assertThat(item.index()).isEqualTo(i);
      if (item.valid()) {
        assertThat(readsAsObject(item.json())).as("valid item is a JSON object").isTrue();
      } else {
        assertThat(item.rejectReason()).isNotBlank();
      }
    }
  }

  private static boolean readsAsObject(byte[] json) {
    try {
      return Json.mapper().readTree(json).isObject();
    } catch (IOException e) {
      return false;
    }
  }

  @Provide
  Arbitrary<byte[]> anyBytes() {
    return HostileJson.anyBytes();
  }

  @Provide
  Arbitrary<byte[]> mutatedSeeds() {
    return HostileJson.mutated(SEEDS);
  }

  private static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    }
    return out.toByteArray();
  }
}
