export interface Config {
  serviceName: string;
  port: number;
  logLevel: string;
  /**
   * SHUTDOWN_TIMEOUT_MS: the whole shutdown after SIGTERM, from draining the requests in flight
   * to closing the database, Kafka, and flushing traces. Keep it below the pod's
   * terminationGracePeriodSeconds minus its preStop sleep (k8s/deployment.yaml: 30 - 5 s).
   */
  shutdownTimeoutMs: number;
  databaseUrl: string;
  migrationsDir: string;
  /**
   * DATABASE_STATEMENT_TIMEOUT_MS: a request query running longer is cancelled (0: no timeout
   * set by the service). Migrations at start-up are not subject to it.
   */
  databaseStatementTimeoutMs: number;
  /** Empty when KAFKA_BROKERS is unset: events then stay in memory (local development). */
  kafkaBrokers: string[];
  kafkaTopic: string;
  kafkaClientId: string;
  /** TLS to the brokers; KAFKA_TLS=false for a local plaintext broker. */
  kafkaTls: boolean;
  /** SCRAM credentials (the `orders-api-kafka` secret); the ACLs in terraform/kafka.tf name this user. */
  kafkaSasl?: { username: string; password: string };
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

function required(env: NodeJS.ProcessEnv, key: string): string {
  const value = env[key];
  if (!value) throw new Error(`${key} is required`);
  return value;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    serviceName: env.OTEL_SERVICE_NAME ?? 'orders-api',
    port: intFromEnv(env, 'PORT', 8080),
    logLevel: env.LOG_LEVEL ?? 'info',
    shutdownTimeoutMs: intFromEnv(env, 'SHUTDOWN_TIMEOUT_MS', 20_000),
    databaseUrl: required(env, 'DATABASE_URL'),
    migrationsDir: env.MIGRATIONS_DIR ?? 'migrations',
    databaseStatementTimeoutMs: intFromEnv(env, 'DATABASE_STATEMENT_TIMEOUT_MS', 30_000),
    kafkaBrokers: (env.KAFKA_BROKERS ?? '')
      .split(',')
      .map((b) => b.trim())
      .filter(Boolean),
    kafkaTopic: env.KAFKA_TOPIC ?? 'orders-api.events',
    kafkaClientId: env.KAFKA_CLIENT_ID ?? 'orders-api',
    kafkaTls: env.KAFKA_TLS !== 'false',
    kafkaSasl:
      env.KAFKA_SASL_USERNAME && env.KAFKA_SASL_PASSWORD
        ? { username: env.KAFKA_SASL_USERNAME, password: env.KAFKA_SASL_PASSWORD }
        : undefined,
  };
}
