import { type Span, SpanStatusCode, trace } from '@opentelemetry/api';
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
  /** The task did not return within `stopTimeoutMs` of being asked to stop: the run gave up on it. */
  abandoned?: boolean;
}

export interface RunOptions {
  logger: Logger;
  deadlineMs: number;
  /** Aborted from outside, e.g. on SIGTERM. */
  signal?: AbortSignal;
  /**
   * How long the task gets to return once asked to stop (deadline or SIGTERM) before the run
   * is abandoned and reported; keep it below the pod's termination grace period. Default 20 s.
   */
  stopTimeoutMs?: number;
  now?: () => number;
}

const ABANDONED = Symbol('abandoned');

/** Resolves `stopTimeoutMs` after `signal` aborts, unless cancelled first. */
function abandonAfterStop(signal: AbortSignal, stopTimeoutMs: number) {
  let timer: NodeJS.Timeout | undefined;
  let fire: (value: typeof ABANDONED) => void = () => undefined;
  const promise = new Promise<typeof ABANDONED>((resolve) => (fire = resolve));
  const start = () => {
    timer = setTimeout(() => fire(ABANDONED), stopTimeoutMs);
  };
  if (signal.aborted) start();
  else signal.addEventListener('abort', start, { once: true });
  return {
    promise,
    cancel: () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', start);
    },
  };
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

  const stopTimeoutMs = options.stopTimeoutMs ?? 20_000;
  const giveUp = abandonAfterStop(controller.signal, stopTimeoutMs);

  const tracer = trace.getTracer('${{ values.name }}');
  return tracer.startActiveSpan('job.run', async (span) => {
    logger.info({ deadlineMs: options.deadlineMs, stopTimeoutMs }, 'run started');
    let outcome: RunOutcome;
    try {
      const result = await Promise.race([task({ signal: controller.signal, logger }), giveUp.promise]);
      if (result === ABANDONED) {
        // The task is still running (a call that ignores the signal): report now, while there
        // is time to log and flush traces; the process exits right after.
        const reason = String((controller.signal.reason as Error | undefined)?.message ?? 'stopped');
        outcome = {
          status: 'incomplete',
          exitCode: 1,
          durationMs: now() - started,
          error: `${reason}; the task did not stop within ${stopTimeoutMs / 1000} s and was abandoned`,
          abandoned: true,
        };
        return finish(span, outcome);
      }
      const status: RunStatus = !result.complete ? 'incomplete' : result.failed > 0 ? 'failed' : 'succeeded';
      outcome = { status, exitCode: status === 'succeeded' ? 0 : 1, durationMs: now() - started, result };
      span.setAttributes({ 'job.processed': result.processed, 'job.failed': result.failed, 'job.complete': result.complete });
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      outcome = { status: 'failed', exitCode: 1, durationMs: now() - started, error: `${error.name}: ${error.message}` };
      span.recordException(error);
    } finally {
      clearTimeout(deadline);
      giveUp.cancel();
      options.signal?.removeEventListener('abort', onExternalAbort);
    }
    if (controller.signal.aborted && outcome.status !== 'succeeded') {
      outcome.error ??= String((controller.signal.reason as Error | undefined)?.message ?? 'aborted');
    }
    return finish(span, outcome);
  });

  function finish(span: Span, outcome: RunOutcome): RunOutcome {
    span.setAttribute('job.status', outcome.status);
    if (outcome.abandoned) span.setAttribute('job.abandoned', true);
    if (outcome.status !== 'succeeded') span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.error ?? outcome.status });
    span.end();
    const log = {
      status: outcome.status,
      durationMs: outcome.durationMs,
      ...outcome.result,
      error: outcome.error,
      abandoned: outcome.abandoned,
    };
    if (outcome.status === 'succeeded') logger.info(log, 'run finished');
    else logger.error(log, 'run finished');
    return outcome;
  }
}
