package dev.vigil.schemas;

import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.IOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** A Kafka serde writing a record type as JSON with {@link Json#mapper()}. Null stays null (tombstones). */
public final class JsonSerde<T> implements Serde<T> {
  private final Class<T> type;
  private final ObjectReader reader;
  private final ObjectWriter writer;

  public JsonSerde(Class<T> type) {
    this.type = type;
    this.reader = Json.mapper().readerFor(type);
    this.writer = Json.mapper().writerFor(type);
  }

  public Class<T> type() {
    return type;
  }

  @Override
  public Serializer<T> serializer() {
    return (topic, value) -> {
      if (value == null) {
        return null;
      }
      try {
        return writer.writeValueAsBytes(value);
      } catch (IOException e) {
        throw new SerializationException("cannot write " + type.getSimpleName() + " as JSON", e);
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
        return reader.readValue(bytes);
      } catch (IOException e) {
        throw new SerializationException(
            "cannot read " + type.getSimpleName() + " from topic " + topic + ": " + e.getMessage(), e);
      }
    };
  }
}
