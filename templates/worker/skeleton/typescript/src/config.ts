import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';

export interface Config {
  serviceName: string;
  healthPort: number;
  logLevel: string;
  kafkaBrokers: string[];
  kafkaTls: boolean;
  /**
   * KAFKA_CA_FILE: the PEM bundle the brokers' TLS certificates are checked against, read
   * at start-up. Unset: the system trust store, which does not know in-cluster CAs.
   */
  kafkaCa?: { file: string; pem: Buffer };
  /** SCRAM credentials (the `${{ values.name }}-kafka` secret); the ACLs in terraform/kafka.tf name this user. */
  kafkaSasl?: { username: string; password: string };
  topic: string;
  consumerGroup: string;
  dlqTopic: string;
  /** Retries after the first attempt before a message is dead-lettered. */
  maxRetries: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  /** How many message ids the in-memory processed-message store remembers. */
  processedStoreSize: number;
  /** /healthz fails when the consume loop has not reported for this long. */
  livenessMaxAgeMs: number;
  /** A subscribed topic that does not exist is retried this long before the worker exits. */
  unknownTopicGraceMs: number;
}

function intFromEnv(env: NodeJS.ProcessEnv, key: string, fallback: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`${key} must be a non-negative integer, got "${raw}"`);
  }
  return value;
}

/**
 * Reads the CA bundle named by KAFKA_CA_FILE. Fails at start-up, naming the variable and
 * the path, when the file is missing, unreadable or holds no PEM certificate.
 */
export function readKafkaCa(file: string): { file: string; pem: Buffer } {
  let pem: Buffer;
  try {
    pem = readFileSync(file);
  } catch (err) {
    throw new Error(`KAFKA_CA_FILE=${file} cannot be read: ${(err as Error).message}`, { cause: err });
  }
  const certificates = pem.toString('utf8').match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? [];
  if (certificates.length === 0) {
    throw new Error(`KAFKA_CA_FILE=${file} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  }
  for (const [index, certificate] of certificates.entries()) {
    try {
      new X509Certificate(certificate);
    } catch (err) {
      throw new Error(`KAFKA_CA_FILE=${file}: certificate ${index + 1} is invalid: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }
  return { file, pem };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const brokers = (env.KAFKA_BROKERS ?? '')
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  if (brokers.length === 0) throw new Error('KAFKA_BROKERS is required (comma-separated host:port list)');
  if (env.LIVENESS_MAX_AGE_SECONDS !== undefined && intFromEnv(env, 'LIVENESS_MAX_AGE_SECONDS', 60) === 0) {
    throw new Error('LIVENESS_MAX_AGE_SECONDS must be at least 1');
  }
  const kafkaTls = env.KAFKA_TLS !== 'false';
  if (env.KAFKA_CA_FILE && !kafkaTls) {
    throw new Error('KAFKA_CA_FILE is set but KAFKA_TLS=false: a CA only applies to TLS connections');
  }
  const consumerGroup = env.KAFKA_CONSUMER_GROUP ?? '${{ values.consumerGroup }}';
  return {
    serviceName: env.OTEL_SERVICE_NAME ?? '${{ values.name }}',
    healthPort: intFromEnv(env, 'HEALTH_PORT', ${{ values.port }}),
    logLevel: env.LOG_LEVEL ?? 'info',
    kafkaBrokers: brokers,
    kafkaTls,
    kafkaCa: env.KAFKA_CA_FILE ? readKafkaCa(env.KAFKA_CA_FILE) : undefined,
    kafkaSasl:
      env.KAFKA_SASL_USERNAME && env.KAFKA_SASL_PASSWORD
        ? { username: env.KAFKA_SASL_USERNAME, password: env.KAFKA_SASL_PASSWORD }
        : undefined,
    topic: env.KAFKA_TOPIC ?? '${{ values.topic }}',
    consumerGroup,
    dlqTopic: env.KAFKA_DLQ_TOPIC ?? `${consumerGroup}.dlq`,
    maxRetries: intFromEnv(env, 'MAX_RETRIES', ${{ values.maxRetries }}),
    retryBaseDelayMs: intFromEnv(env, 'RETRY_BASE_DELAY_MS', 200),
    retryMaxDelayMs: intFromEnv(env, 'RETRY_MAX_DELAY_MS', 30_000),
    processedStoreSize: intFromEnv(env, 'PROCESSED_STORE_SIZE', 100_000),
    livenessMaxAgeMs: intFromEnv(env, 'LIVENESS_MAX_AGE_SECONDS', 60) * 1000,
    unknownTopicGraceMs: intFromEnv(env, 'KAFKA_UNKNOWN_TOPIC_GRACE_SECONDS', 300) * 1000,
  };
}
