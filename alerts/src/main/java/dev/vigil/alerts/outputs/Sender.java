package dev.vigil.alerts.outputs;

/** Sends messages to one receiver; returns only once the receiver accepted the message. */
interface Sender extends AutoCloseable {
  void send(Message message) throws DeliveryException;

  @Override
  default void close() {}
}
