export interface Config {
  serviceName: string;
  healthPort: number;
  logLevel: string;
  kafkaBrokers: string[];
  kafkaTls: boolean;
  /** SCRAM credentials (the `search-indexer-kafka` secret); the ACLs in terraform/kafka.tf name this user. */
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

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const brokers = (env.KAFKA_BROKERS ?? '')
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  if (brokers.length === 0) throw new Error('KAFKA_BROKERS is required (comma-separated host:port list)');
  const consumerGroup = env.KAFKA_CONSUMER_GROUP ?? 'search-indexer';
  return {
    serviceName: env.OTEL_SERVICE_NAME ?? 'search-indexer',
    healthPort: intFromEnv(env, 'HEALTH_PORT', 8080),
    logLevel: env.LOG_LEVEL ?? 'info',
    kafkaBrokers: brokers,
    kafkaTls: env.KAFKA_TLS !== 'false',
    kafkaSasl:
      env.KAFKA_SASL_USERNAME && env.KAFKA_SASL_PASSWORD
        ? { username: env.KAFKA_SASL_USERNAME, password: env.KAFKA_SASL_PASSWORD }
        : undefined,
    topic: env.KAFKA_TOPIC ?? 'catalog.item-changed',
    consumerGroup,
    dlqTopic: env.KAFKA_DLQ_TOPIC ?? `${consumerGroup}.dlq`,
    maxRetries: intFromEnv(env, 'MAX_RETRIES', 5),
    retryBaseDelayMs: intFromEnv(env, 'RETRY_BASE_DELAY_MS', 200),
    retryMaxDelayMs: intFromEnv(env, 'RETRY_MAX_DELAY_MS', 30_000),
    processedStoreSize: intFromEnv(env, 'PROCESSED_STORE_SIZE', 100_000),
  };
}
