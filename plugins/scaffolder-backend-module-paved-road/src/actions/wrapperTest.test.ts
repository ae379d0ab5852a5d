import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { createWrapperTestAction } from './wrapperTest';

const strong = {
  toolName: 'otel-starter',
  hoursSavedPerService: 16,
  servicesExpectedToAdopt: 30,
  stepsRemoved: 5,
  errorsPrevented: ['missing trace propagation', 'unsampled error spans'],
  operationalBenefit:
    'Traces across service boundaries, RED metrics dashboards and retries with backoff',
  alternativeConsidered:
    'The raw SDK needs 200 lines of setup per service and 6 of 8 teams got it wrong',
  docs: {
    quickstart: true,
    failureModeReference: true,
    versioningPolicy: true,
  },
  failOnReject: true,
};

async function run(input: Record<string, any>) {
  const ctx = createMockActionContext({ input });
  const outputs: Record<string, any> = {};
  (ctx.output as jest.Mock).mockImplementation((k: string, v: unknown) => {
    outputs[k] = v;
  });
  let error: Error | undefined;
  await createWrapperTestAction()
    .handler(ctx as any)
    .catch(e => {
      error = e;
    });
  return { outputs, error };
}

describe('paved-road:wrapper-test', () => {
  it('passes a tool that clears all three questions with docs ready', async () => {
    const { outputs, error } = await run(strong);
    expect(error).toBeUndefined();
    expect(outputs.verdict).toBe('pass');
    expect(outputs.questions.map((q: any) => [q.id, q.passed])).toEqual([
      ['implementation-time', true],
      ['developer-experience', true],
      ['operational-benefit', true],
    ]);
    expect(JSON.parse(outputs.summary)).toMatchObject({
      verdict: 'pass',
      hoursSavedPerService: 16,
    });
  });

  it('asks for a revision when docs are not ready', async () => {
    const { outputs, error } = await run({
      ...strong,
      docs: {
        quickstart: true,
        failureModeReference: false,
        versioningPolicy: true,
      },
    });
    expect(outputs.verdict).toBe('revise');
    expect(error?.message).toContain(
      "Wrapper test verdict for 'otel-starter': REVISE",
    );
    expect(error?.message).toContain('missing a failure-mode reference');
  });

  it('rejects a thin wrapper, with a reason per failed question, and is deterministic', async () => {
    const weak = {
      ...strong,
      toolName: 'k8s-yaml-helpers',
      hoursSavedPerService: 1,
      servicesExpectedToAdopt: 3,
      stepsRemoved: 1,
      errorsPrevented: [],
      operationalBenefit: 'Nicer YAML',
      alternativeConsidered: '',
    };
    const first = await run(weak);
    const second = await run(weak);
    expect(first.outputs).toEqual(second.outputs);
    expect(first.outputs.verdict).toBe('reject');
    expect(first.outputs.reasons).toEqual([
      expect.stringContaining(
        'Lower implementation time: saves under 4 hours per service',
      ),
      expect.stringContaining('Better developer experience'),
      expect.stringContaining("don't wrap wrappers"),
    ]);
    expect(first.error?.message).toContain('REJECT');
  });

  it('reports without failing when failOnReject is false', async () => {
    const { outputs, error } = await run({
      ...strong,
      stepsRemoved: 0,
      errorsPrevented: [],
      failOnReject: false,
    });
    expect(error).toBeUndefined();
    expect(outputs.verdict).toBe('reject');
  });
});
