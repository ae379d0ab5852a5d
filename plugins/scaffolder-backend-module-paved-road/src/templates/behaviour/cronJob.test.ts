/*
 * Behaviour of the generated cron job (cron-job golden path) when Kubernetes stops a run
 * in progress: SIGTERM at activeDeadlineSeconds, on eviction or on a Replace policy, then
 * SIGKILL after terminationGracePeriodSeconds (30 s in k8s/cronjob.yaml). The job must stop
 * within that, log what it did with a clear status, flush its traces and exit non-zero,
 * whether the task checks its stop signal or is stuck in a long piece of work.
 */
import { otelEnv, startOtlpReceiver } from './__testUtils__/otlp';
import { killAll, ProjectProcess, sleep } from './__testUtils__/processes';
import {
  installAndBuild,
  Project,
  pythonHasOpenTelemetry,
  renderProjects,
  startCommand,
} from './__testUtils__/project';
import { writeHarness } from './__testUtils__/harness';

jest.setTimeout(2 * 60_000);

const GRACE_MS = 30_000;
const LANGUAGES = ['typescript', 'python'] as const;
const projects = new Map<string, { project: Project; entry: string }>();
let pythonTracing = false;

beforeAll(async () => {
  const rendered = await renderProjects(
    'cron-job',
    LANGUAGES.map(language => ({ language })),
  );
  for (const project of rendered) {
    await installAndBuild(project);
    const entry = await writeHarness(project, 'slow-source');
    projects.set(project.language, { project, entry: entry! });
  }
  pythonTracing = await pythonHasOpenTelemetry();
}, 8 * 60_000);

afterEach(killAll);

afterAll(async () => {
  await Promise.all([...projects.values()].map(p => p.project.remove()));
});

/** The run's summary line, whatever the language names its fields. */
function summaryOf(proc: ProjectProcess) {
  const line = proc.logs.find(l => l.message === 'run finished');
  if (!line) return undefined;
  return {
    status: line.status,
    processedSome: Number(line.processed) > 0,
    reason: String(line.error ?? line.stop_reason ?? ''),
    abandoned: Boolean(line.abandoned),
  };
}

describe.each(LANGUAGES)('cron-job in %s', language => {
  const tracing = () => language === 'typescript' || pythonTracing;

  async function runAndTerminate(env: NodeJS.ProcessEnv) {
    const { project, entry } = projects.get(language)!;
    const receiver = await startOtlpReceiver();
    try {
      const { cmd, args } = await startCommand(project, { preload: entry });
      const proc = new ProjectProcess(cmd, args, project.dir, {
        LOG_LEVEL: 'info',
        PYTHONUNBUFFERED: '1',
        ...(tracing() ? otelEnv(receiver.endpoint) : {}),
        ...env,
      });
      await proc.waitForLog('run started');
      await sleep(1_000);
      const sigterm = proc.signal('SIGTERM');
      // Kubernetes would SIGKILL at the end of the grace period; the test gives up earlier.
      const exit = await proc.waitForExit(12_000);
      const flushed =
        receiver.traces(sigterm, exit?.at ?? 0, 'job.run').length > 0;
      return {
        exitCode:
          exit?.code ??
          `still running 12 s after SIGTERM (SIGKILL at ${GRACE_MS / 1000} s)`,
        stoppedWithinMs: exit ? exit.at - sigterm : undefined,
        summary: summaryOf(proc),
        tracesFlushed: tracing()
          ? flushed
          : 'OpenTelemetry is not installed for this python',
        proc,
      };
    } finally {
      killAll();
      await receiver.close();
    }
  }

  it('stops a run between items on SIGTERM: summary, traces, exit 1', async () => {
    const result = await runAndTerminate({
      BEHAVIOUR_ITEMS: '1000',
      BEHAVIOUR_ITEM_MS: '100',
      BEHAVIOUR_ITEM_SECONDS: '0.1',
    });
    expect({
      exitCode: result.exitCode,
      stoppedQuickly: (result.stoppedWithinMs ?? Infinity) < 5_000,
      summary: result.summary,
      tracesFlushed: result.tracesFlushed,
    }).toEqual({
      exitCode: 1,
      stoppedQuickly: true,
      summary: {
        status: 'incomplete',
        processedSome: true,
        reason: 'received SIGTERM',
        abandoned: false,
      },
      tracesFlushed: tracing()
        ? true
        : 'OpenTelemetry is not installed for this python',
    });
  });

  it('abandons work that ignores the stop after JOB_STOP_TIMEOUT_SECONDS: summary, traces, exit 1', async () => {
    // Each item takes two minutes and never looks at the stop signal (a long call without
    // a timeout, say): only the runner can end the run in time.
    const result = await runAndTerminate({
      BEHAVIOUR_ITEMS: '3',
      BEHAVIOUR_ITEM_MS: '120000',
      BEHAVIOUR_ITEM_SECONDS: '120',
      JOB_STOP_TIMEOUT_SECONDS: '2',
    });
    expect({
      exitCode: result.exitCode,
      stoppedAfterTheStopTimeout:
        result.stoppedWithinMs !== undefined &&
        result.stoppedWithinMs >= 2_000 &&
        result.stoppedWithinMs < 8_000,
      summary: result.summary && {
        ...result.summary,
        reason: /SIGTERM/.test(result.summary.reason),
      },
      tracesFlushed: result.tracesFlushed,
    }).toEqual({
      exitCode: 1,
      stoppedAfterTheStopTimeout: true,
      summary: {
        status: 'incomplete',
        processedSome: false,
        reason: true,
        abandoned: true,
      },
      tracesFlushed: tracing()
        ? true
        : 'OpenTelemetry is not installed for this python',
    });
  });
});
