package dev.vigil.schemas.codec;

import java.io.IOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A Kafka serde over a JSON writer and reader: a {@link JsonCodec}, or the mapper's (as {@code
 * JsonSerde} does). Null stays null (tombstones); a failure names the type and the topic.
 */
public final class CodecSerde<T> implements Serde<T> {

  /** Writes a value as JSON bytes. */
  public interface Writer<T> {
    byte[] write(T value) throws IOException;
  }

  /** Reads a value from JSON bytes. */
  public interface Reader<T> {
    T read(byte[] bytes) throws IOException;
  }

  private final Class<T> type;
  private final Writer<T> writer;
  private final Reader<T> reader;

  public CodecSerde(JsonCodec<T> codec) {
    this(codec.type(), codec::write, codec::read);
  }

  public CodecSerde(Class<T> type, Writer<T> writer, Reader<T> reader) {
    this.type = type;
    this.writer = writer;
    this.reader = reader;
  }

  @Override
  public Serializer<T> serializer() {
    return (topic, value) -> {
      if (value == null) {
        return null;
      }
      try {
        return writer.write(value);
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
        return reader.read(bytes);
      } catch (IOException e) {
        throw new SerializationException(
            "cannot read " + type.getSimpleName() + " from topic " + topic + ": " + e.getMessage(),
            e);
      }
    };
  }
}
