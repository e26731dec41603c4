package dev.vigil.schemas;

import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.vigil.schemas.codec.CodecSerde;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** A Kafka serde writing a record type as JSON with {@link Json#mapper()}. Null stays null (tombstones). */
public final class JsonSerde<T> implements Serde<T> {
  private final Class<T> type;
  private final CodecSerde<T> serde;

  public JsonSerde(Class<T> type) {
    this.type = type;
    ObjectReader reader = Json.mapper().readerFor(type);
    ObjectWriter writer = Json.mapper().writerFor(type);
    this.serde = new CodecSerde<>(type, writer::writeValueAsBytes, reader::readValue);
  }

  public Class<T> type() {
    return type;
  }

  @Override
  public Serializer<T> serializer() {
    return serde.serializer();
  }

  @Override
  public Deserializer<T> deserializer() {
    return serde.deserializer();
  }
}
