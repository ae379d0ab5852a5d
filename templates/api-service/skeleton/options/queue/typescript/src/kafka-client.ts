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

export const { Producer, ProduceAcks, stringSerializers } = kafka;

/** Keys, values and header values are UTF-8 text here (serializers above). */
export type TextProducer = Kafka.Producer<string, string, string, string>;

/** TLS settings for the broker connections (Node's tls.connect options). */
export type TlsOptions = NonNullable<Kafka.BaseOptions['tls']>;

/** Connection settings: brokers, TLS, SASL, timeouts, retries. */
export type ClientOptions = Kafka.BaseOptions;
