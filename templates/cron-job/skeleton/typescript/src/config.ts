export interface Config {
  serviceName: string;
  logLevel: string;
  /**
   * When the run stops itself: a little before the CronJob's activeDeadlineSeconds
   * (${{ values.activeDeadlineSeconds }} s), so it can finish the batch in hand and log what it did.
   */
  deadlineSeconds: number;
  /**
   * JOB_STOP_TIMEOUT_SECONDS: how long the task gets to stop after SIGTERM (or the deadline)
   * before the run is abandoned, so that the summary is logged and the traces are flushed
   * before Kubernetes kills the pod (terminationGracePeriodSeconds: 30 in k8s/cronjob.yaml).
   */
  stopTimeoutSeconds: number;
  batchSize: number;
}

function intFromEnv(env: NodeJS.ProcessEnv, key: string, fallback: number, min = 0): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`${key} must be an integer >= ${min}, got "${raw}"`);
  }
  return value;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    serviceName: env.OTEL_SERVICE_NAME ?? '${{ values.name }}',
    logLevel: env.LOG_LEVEL ?? 'info',
    deadlineSeconds: intFromEnv(env, 'JOB_DEADLINE_SECONDS', ${{ values.activeDeadlineSeconds - 60 if values.activeDeadlineSeconds > 120 else values.activeDeadlineSeconds // 2 }}, 1),
    stopTimeoutSeconds: intFromEnv(env, 'JOB_STOP_TIMEOUT_SECONDS', 20, 1),
    batchSize: intFromEnv(env, 'BATCH_SIZE', 100, 1),
  };
}
