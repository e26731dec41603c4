package dev.vigil.schemas.codec;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import dev.vigil.schemas.Entity;
import java.io.IOException;

/** {@link Entity} inside a finding or an alert, for {@link FindingCodec} and {@link AlertCodec}. */
final class EntityFields {
  private EntityFields() {}

  static void write(Entity entity, JsonGenerator out) throws IOException {
    JsonCodec.string(out, "type", entity.type());
    JsonCodec.string(out, "name", entity.name());
  }

  static Entity read(JsonParser in) throws IOException {
    String type = null;
    String name = null;
    String field;
    while ((field = in.nextFieldName()) != null) {
      in.nextToken();
      switch (field) {
        case "type" -> type = JsonCodec.string(in);
        case "name" -> name = JsonCodec.string(in);
        default -> JsonCodec.skip(in);
      }
    }
    return new Entity(type, name);
  }
}
