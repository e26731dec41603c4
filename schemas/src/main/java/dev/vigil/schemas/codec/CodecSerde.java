package dev.vigil.schemas.codec;

import java.io.IOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** A Kafka serde over a {@link JsonCodec}. Null stays null (tombstones). */
public final class CodecSerde<T> implements Serde<T> {
  private final JsonCodec<T> codec;

  public CodecSerde(JsonCodec<T> codec) {
    this.codec = codec;
  }

  @Override
  public Serializer<T> serializer() {
    return (topic, value) -> {
      if (value == null) {
        return null;
      }
      try {
        return codec.write(value);
      } catch (IOException e) {
        throw new SerializationException(
            "cannot write " + codec.type().getSimpleName() + " as JSON", e);
      }
    };
  }

  @Override
  public Deserializer<T> deserializer() {
    return (topic, bytes) -> {
      if (bytes == null) {
        return null;
      }
      try {
        return codec.read(bytes);
      } catch (IOException e) {
        throw new SerializationException(
            "cannot read " + codec.type().getSimpleName() + " from topic " + topic + ": "
                + e.getMessage(),
            e);
      }
    };
  }
}
