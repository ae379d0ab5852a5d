export interface Config {
  serviceName: string;
  port: number;
  logLevel: string;
  /**
   * SHUTDOWN_TIMEOUT_MS: the whole shutdown after SIGTERM, from draining the requests in flight
   * to closing {% if values.needsDatabase %}the database, {% endif %}{% if values.needsQueue %}Kafka, {% endif %}and flushing traces. Keep it below the pod's
   * terminationGracePeriodSeconds minus its preStop sleep (k8s/deployment.yaml: 30 - 5 s).
   */
  shutdownTimeoutMs: number;
{%- if values.needsDatabase %}
  databaseUrl: string;
  migrationsDir: string;
  /**
   * DATABASE_STATEMENT_TIMEOUT_MS: a request query running longer is cancelled (0: no timeout
   * set by the service). Migrations at start-up are not subject to it.
   */
  databaseStatementTimeoutMs: number;
{%- endif %}
{%- if values.needsQueue %}
  /** Empty when KAFKA_BROKERS is unset: events then stay in memory (local development). */
  kafkaBrokers: string[];
  kafkaTopic: string;
  kafkaClientId: string;
  /** TLS to the brokers; KAFKA_TLS=false for a local plaintext broker. */
  kafkaTls: boolean;
  /** SCRAM credentials (the `${{ values.name }}-kafka` secret); the ACLs in terraform/kafka.tf name this user. */
  kafkaSasl?: { username: string; password: string };
{%- endif %}
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
{%- if values.needsDatabase %}

function required(env: NodeJS.ProcessEnv, key: string): string {
  const value = env[key];
  if (!value) throw new Error(`${key} is required`);
  return value;
}
{%- endif %}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    serviceName: env.OTEL_SERVICE_NAME ?? '${{ values.name }}',
    port: intFromEnv(env, 'PORT', ${{ values.port }}),
    logLevel: env.LOG_LEVEL ?? 'info',
    shutdownTimeoutMs: intFromEnv(env, 'SHUTDOWN_TIMEOUT_MS', 20_000),
{%- if values.needsDatabase %}
    databaseUrl: required(env, 'DATABASE_URL'),
    migrationsDir: env.MIGRATIONS_DIR ?? 'migrations',
    databaseStatementTimeoutMs: intFromEnv(env, 'DATABASE_STATEMENT_TIMEOUT_MS', 30_000),
{%- endif %}
{%- if values.needsQueue %}
    kafkaBrokers: (env.KAFKA_BROKERS ?? '')
      .split(',')
      .map((b) => b.trim())
      .filter(Boolean),
    kafkaTopic: env.KAFKA_TOPIC ?? '${{ values.name }}.events',
    kafkaClientId: env.KAFKA_CLIENT_ID ?? '${{ values.name }}',
    kafkaTls: env.KAFKA_TLS !== 'false',
    kafkaSasl:
      env.KAFKA_SASL_USERNAME && env.KAFKA_SASL_PASSWORD
        ? { username: env.KAFKA_SASL_USERNAME, password: env.KAFKA_SASL_PASSWORD }
        : undefined,
{%- endif %}
  };
}
