import { SpanStatusCode, trace } from '@opentelemetry/api';
import type { Logger } from './logger';

/** What a run did. `complete` is false when the run stopped early (deadline or SIGTERM). */
export interface TaskResult {
  processed: number;
  failed: number;
  complete: boolean;
}

export interface TaskContext {
  /** Aborted at the job's deadline or on SIGTERM: check it between batches and return. */
  signal: AbortSignal;
  logger: Logger;
}

export type Task = (ctx: TaskContext) => Promise<TaskResult>;

export type RunStatus = 'succeeded' | 'incomplete' | 'failed';

export interface RunOutcome {
  status: RunStatus;
  /** 0 only for a complete run without failed items; Kubernetes retries and alerts on the rest. */
  exitCode: 0 | 1;
  durationMs: number;
  result?: TaskResult;
  error?: string;
}

export interface RunOptions {
  logger: Logger;
  deadlineMs: number;
  /** Aborted from outside, e.g. on SIGTERM. */
  signal?: AbortSignal;
  now?: () => number;
}

/**
 * One run of the job: deadline, cancellation, a trace span, a start and a summary log line,
 * and the exit code. The task itself is in task.ts.
 */
export async function runOnce(task: Task, options: RunOptions): Promise<RunOutcome> {
  const { logger } = options;
  const now = options.now ?? Date.now;
  const started = now();
  const controller = new AbortController();
  const deadline = setTimeout(() => controller.abort(new Error('deadline reached')), options.deadlineMs);
  const onExternalAbort = () => controller.abort(options.signal?.reason ?? new Error('stopped'));
  options.signal?.addEventListener('abort', onExternalAbort, { once: true });

  const tracer = trace.getTracer('${{ values.name }}');
  return tracer.startActiveSpan('job.run', async (span) => {
    logger.info({ deadlineMs: options.deadlineMs }, 'run started');
    let outcome: RunOutcome;
    try {
      const result = await task({ signal: controller.signal, logger });
      const status: RunStatus = !result.complete ? 'incomplete' : result.failed > 0 ? 'failed' : 'succeeded';
      outcome = { status, exitCode: status === 'succeeded' ? 0 : 1, durationMs: now() - started, result };
      span.setAttributes({ 'job.processed': result.processed, 'job.failed': result.failed, 'job.complete': result.complete });
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      outcome = { status: 'failed', exitCode: 1, durationMs: now() - started, error: `${error.name}: ${error.message}` };
      span.recordException(error);
    } finally {
      clearTimeout(deadline);
      options.signal?.removeEventListener('abort', onExternalAbort);
    }
    if (controller.signal.aborted && outcome.status !== 'succeeded') {
      outcome.error ??= String((controller.signal.reason as Error | undefined)?.message ?? 'aborted');
    }
    span.setAttribute('job.status', outcome.status);
    if (outcome.status !== 'succeeded') span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.error ?? outcome.status });
    span.end();
    const log = { status: outcome.status, durationMs: outcome.durationMs, ...outcome.result, error: outcome.error };
    if (outcome.status === 'succeeded') logger.info(log, 'run finished');
    else logger.error(log, 'run finished');
    return outcome;
  });
}
