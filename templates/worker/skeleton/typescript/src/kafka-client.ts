/*
 * The Kafka client, @platformatic/kafka: pure JavaScript, maintained, and speaking the
 * current protocol versions. It ships as an ES module only, while this project compiles to
 * CommonJS (tsconfig "module": "node16"). Node runs require() of an ES module (22.12 and
 * later), but TypeScript only accepts a plain `import` of one from CommonJS under
 * "module": "node20" or "nodenext", so the types come in with resolution-mode "import"
 * and the code with require(). Import the client from here, not from the package.
 */
import type * as Kafka from '@platformatic/kafka' with { 'resolution-mode': 'import' };

// eslint-disable-next-line @typescript-eslint/no-require-imports
const kafka = require('@platformatic/kafka') as typeof Kafka;

export const {
  Consumer,
  Producer,
  MessagesStreamModes,
  MessagesStreamFallbackModes,
  ProduceAcks,
  stringDeserializers,
  stringSerializers,
} = kafka;

/** Keys, values and header values are UTF-8 text here (serializers above). */
export type TextConsumer = Kafka.Consumer<string, string, string, string>;
export type TextProducer = Kafka.Producer<string, string, string, string>;
export type TextMessage = Kafka.Message<string, string, string, string>;
export type TextMessagesStream = Kafka.MessagesStream<string, string, string, string>;

/** Connection settings shared by consumers and producers (brokers, TLS, SASL, timeouts, retries). */
export type ClientOptions = Kafka.BaseOptions;
